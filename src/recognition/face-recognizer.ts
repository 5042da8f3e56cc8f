import { randomUUID } from 'node:crypto';
import type { Box, DetectedFace, EmbedResult, FaceQuality, Point } from '../inference';
import type { Candidate, Identity } from '../gallery';
import type { FrameTrace } from '../observability';
import { associate } from './tracker';
import { aggregateEmbedding, decideIdentity, shouldReport, wantsEmbedding } from './identity-decision';
import type { RecognitionSettings } from './settings';
import type { BestView, Track } from './track';
import { ViewBuffers } from './view-buffers';

export interface SnapshotUrls {
  readonly face: string;
  readonly frame: string;
}

interface ViewSummary {
  readonly box: DetectedFace['box'];
  readonly quality: FaceQuality;
  readonly liveness: number | null;
  readonly snapshots: SnapshotUrls | null;
}

/** What the recognizer reports; the composition root turns these into events. */
export type TrackOutcome =
  | ({ readonly kind: 'recognized'; readonly identity: Identity; readonly similarity: number } & OutcomeBase)
  | ({ readonly kind: 'unknown'; readonly similarity: number } & OutcomeBase)
  | {
      readonly kind: 'ended';
      readonly camera: string;
      readonly trackId: string;
      readonly firstSeen: number;
      readonly lastSeen: number;
      readonly frames: number;
      readonly embeddings: number;
      readonly identity: Identity | null;
      readonly best: ViewSummary | null;
      /** The trace of the last frame the track was seen in (null if none). */
      readonly trace: FrameTrace | null;
    };

interface OutcomeBase {
  readonly camera: string;
  readonly trackId: string;
  readonly firstSeen: number;
  /** Capture time of the frame whose embedding settled the answer. */
  readonly decidedAt: number;
  /** That frame's trace. */
  readonly trace: FrameTrace | null;
  readonly best: ViewSummary;
}

export interface RecognizerDeps {
  readonly camera: string;
  readonly settings: RecognitionSettings;
  readonly embed: (pixels: ArrayBuffer, width: number, height: number, faces: { landmarks: Point[] }[]) => Promise<EmbedResult>;
  /** The gallery's search; asynchronous (it runs off the event loop). */
  readonly search: (embedding: Float32Array, k: number) => Promise<Candidate[]>;
  /** Keeps a track's aggregate embedding (and the aligned crop of its best embedded view) for "not this person", "enrol as" and the history. */
  readonly recordTrack?: (trackId: string, camera: string, embedding: Float32Array, crop?: Uint8Array) => void;
  readonly saveSnapshots: (frame: { pixels: Uint8Array; width: number; height: number }, box: DetectedFace['box']) => Promise<SnapshotUrls>;
  /** Liveness of faces of a frame (one score per box); without it, views the detector gave none report null. The buffer moves (and may come back in `pixels`). */
  readonly liveness?: (pixels: ArrayBuffer, width: number, height: number, boxes: readonly Box[]) => Promise<{ readonly liveness: readonly number[]; readonly pixels?: ArrayBuffer }>;
  readonly onOutcome: (outcome: TrackOutcome) => void;
  readonly onEmbeddings?: (count: number, ms: number) => void;
  readonly onTrackStarted?: () => void;
  readonly onError?: (error: unknown) => void;
}

/** What every camera's recognizer shares: the settings, the embedder, the gallery and the snapshot store. */
export type RecognitionServices = Pick<RecognizerDeps, 'settings' | 'embed' | 'search' | 'recordTrack' | 'saveSnapshots' | 'liveness'>;

/**
 * One camera's tracks: associates each frame's faces with live tracks, keeps each track's best
 * view, embeds only when a better view arrives (within a per-track budget), decides identity
 * from several views, and reports once per answer and once at the end.
 */
export class FaceRecognizer {
  readonly #d: RecognizerDeps;
  readonly #tracks: Track[] = [];
  readonly #views = new ViewBuffers();
  /** Outcomes are published in order: a track's end never overtakes its recognition. */
  #emitting: Promise<void> = Promise.resolve();
  /** Tracks whose view is being searched: their end waits for it, so it cannot overtake the answer. */
  readonly #searching = new Map<Track, Promise<void>>();
  /** Ends waiting for such a search, for flush() to wait on. */
  readonly #deferredEnds = new Set<Promise<void>>();

  constructor(deps: RecognizerDeps) {
    this.#d = deps;
  }

  get liveTracks(): number {
    return this.#tracks.length;
  }

  /**
   * Takes one analysed frame. `pixels` is the frame's buffer; it may travel to a worker for
   * embedding and comes back in the return value for the caller to recycle.
   */
  async process(frame: { pixels: ArrayBuffer; width: number; height: number; capturedAt: number; trace?: FrameTrace }, faces: readonly DetectedFace[]): Promise<ArrayBuffer> {
    const trace = frame.trace ?? null;
    const s = this.#d.settings;
    this.expire(frame.capturedAt);
    const live = this.#tracks;
    const matches = associate(live.map((t) => t.box), faces.map((f) => f.box), s.trackIouThreshold);
    const toEmbed: { track: Track; face: DetectedFace & { landmarks: Point[]; quality: FaceQuality } }[] = [];
    faces.forEach((face, i) => {
      const index = matches[i] ?? -1;
      const track = index >= 0 ? (live[index] as Track) : this.#newTrack(frame.capturedAt, face);
      track.box = face.box;
      track.lastSeen = frame.capturedAt;
      track.lastTrace = trace;
      track.frames += 1;
      if (!face.quality || !face.landmarks) return;
      if (!track.best || face.quality.score > track.best.quality.score + 0.01) {
        // The one copy per improved view (into a reused buffer): the frame buffer itself goes back to the decoder.
        const pixels = this.#views.copy(frame.pixels, frame.width * frame.height * 3);
        if (track.best) this.#release(track.best);
        track.best = {
          face, quality: face.quality, capturedAt: frame.capturedAt, frame: { pixels, width: frame.width, height: frame.height },
          liveness: face.liveness, snapshots: null, holds: 0, released: false, reusable: true,
        };
      }
      const view = { quality: face.quality.score, faceSize: face.box.height, at: frame.capturedAt };
      const state = { embeddedViews: track.views.length, bestEmbeddedQuality: track.bestEmbeddedQuality, lastEmbeddedAt: track.lastEmbeddedAt, decided: track.reported !== null };
      if (wantsEmbedding(state, view, { ...s, minIntervalMs: s.embedMinIntervalMs })) toEmbed.push({ track, face: face as DetectedFace & { landmarks: Point[]; quality: FaceQuality } });
    });
    if (toEmbed.length === 0) return frame.pixels;
    const result = await this.#d.embed(frame.pixels, frame.width, frame.height, toEmbed.map((e) => ({ landmarks: e.face.landmarks })));
    this.#d.onEmbeddings?.(toEmbed.length, result.inferenceMs);
    // One view after the other: a track's views are decided in frame order.
    for (const [i, { track, face }] of toEmbed.entries()) {
      const embedding = result.embeddings[i];
      if (!embedding) continue;
      const view = this.#addView(track, embedding, result.crops[i] ?? null, face.quality.score, frame.capturedAt, trace);
      this.#searching.set(track, view);
      try {
        await view;
      } catch (error) {
        // The gallery could not answer (its search worker failed): the view is dropped, the frame's buffer still goes back.
        this.#d.onError?.(error);
      } finally {
        this.#searching.delete(track);
      }
    }
    return result.pixels;
  }

  #newTrack(at: number, face: DetectedFace): Track {
    if (this.#tracks.length >= this.#d.settings.maxTracks) {
      const stalest = [...this.#tracks].sort((a, b) => a.lastSeen - b.lastSeen)[0];
      if (stalest) this.#end(stalest);
    }
    const track: Track = {
      id: randomUUID(), camera: this.#d.camera, firstSeen: at, lastSeen: at, box: face.box, frames: 0, best: null,
      views: [], bestEmbeddedQuality: -1, bestCrop: null, lastEmbeddedAt: -Infinity, decision: null, reported: null, reportedSimilarity: 0, identity: null, lastTrace: null,
    };
    this.#tracks.push(track);
    this.#d.onTrackStarted?.();
    return track;
  }

  async #addView(track: Track, embedding: Float32Array, crop: Uint8Array | null, quality: number, at: number, trace: FrameTrace | null): Promise<void> {
    const s = this.#d.settings;
    const aggregate = aggregateEmbedding([...track.views, { embedding, quality }]);
    // Both searches at once: the aggregate does not depend on this view's own answer.
    const [[top], [first, second]] = await Promise.all([this.#d.search(embedding, 1), this.#d.search(aggregate, 2)]);
    track.views.push({ embedding, quality, identityId: top && top.similarity >= s.matchThreshold ? top.identity.id : null });
    if (quality >= track.bestEmbeddedQuality && crop) track.bestCrop = crop;
    track.bestEmbeddedQuality = Math.max(track.bestEmbeddedQuality, quality);
    track.lastEmbeddedAt = at;
    const decision = decideIdentity(track.views, { best: first ? { identityId: first.identity.id, similarity: first.similarity } : null, secondSimilarity: second?.similarity ?? -1 }, s);
    track.decision = decision;
    if (!shouldReport(track.reported, decision) || decision.kind === 'pending') return;
    track.reported = decision;
    track.reportedSimilarity = decision.similarity;
    // Kept for operators: "not this person" on a recognised track, "enrol as" on an unknown one.
    // With the aligned crop of its best embedded view, so that an enrolment from this track can be
    // re-embedded by a later model; the embedding worker made it, this thread does not align.
    this.#d.recordTrack?.(track.id, track.camera, aggregate, track.bestCrop ?? undefined);
    const identity = decision.kind === 'recognized' ? (first?.identity as Identity) : null;
    track.identity = identity;
    this.#emit(track, async (best) => {
      const base = { camera: track.camera, trackId: track.id, firstSeen: track.firstSeen, decidedAt: at, trace, best };
      const similarity = round4(decision.similarity);
      return identity ? { kind: 'recognized', identity, similarity, ...base } : { kind: 'unknown', similarity, ...base };
    });
  }

  /** Ends tracks unseen for longer than the limit (also called by a timer when frames stop). */
  expire(now: number): void {
    for (const track of [...this.#tracks]) if (now - track.lastSeen > this.#d.settings.trackMaxUnseenMs) this.#end(track);
  }

  /** Ends every track (camera stopping). Resolves once their events are out. */
  async flush(): Promise<void> {
    for (const track of [...this.#tracks]) this.#end(track);
    await Promise.all([...this.#deferredEnds]);
    await this.#emitting;
  }

  #end(track: Track): void {
    const index = this.#tracks.indexOf(track);
    if (index >= 0) this.#tracks.splice(index, 1);
    const searching = this.#searching.get(track);
    // A view still being searched may yet name the track: its end is reported after that answer.
    if (!searching) return this.#emitEnd(track);
    const deferred = searching.catch(() => undefined).then(() => this.#emitEnd(track));
    this.#deferredEnds.add(deferred);
    void deferred.finally(() => this.#deferredEnds.delete(deferred));
  }

  #emitEnd(track: Track): void {
    const identity = track.identity;
    this.#emit(track, async (best) => ({
      kind: 'ended', camera: track.camera, trackId: track.id, firstSeen: track.firstSeen, lastSeen: track.lastSeen,
      frames: track.frames, embeddings: track.views.length, identity, best: track.best ? best : null, trace: track.lastTrace,
    }));
  }

  #release(best: BestView): void {
    if (!releasable(best)) return;
    best.released = true;
    this.#views.release(best.frame.pixels);
  }

  /** Saves the best view's snapshots if not yet saved, then builds and reports the outcome, in order. */
  #emit(track: Track, build: (best: ViewSummary) => Promise<TrackOutcome>): void {
    const best = track.best;
    // Held from now until its snapshots are saved: a better view arriving meanwhile must not reuse its copy.
    const held = best !== null && !best.snapshots && !best.released;
    if (held) best.holds += 1;
    this.#emitting = this.#emitting
      .then(async () => {
        if (best && held) {
          // Scored from the view's copy while its snapshots are saved: once per best view, not per frame.
          const scoring = best.liveness === undefined ? this.#scoreLiveness(best) : null;
          if (!best.snapshots) {
            best.snapshots = await this.#d.saveSnapshots(best.frame, best.face.box).catch((error: unknown) => {
              this.#d.onError?.(error);
              best.reusable = false;
              return null;
            });
          }
          if (scoring) best.liveness = await scoring;
          best.holds -= 1;
          // Saved: nothing reads this copy again. After a failure the track's end tries again.
          if (best.snapshots) this.#release(best);
        }
        const summary: ViewSummary = best
          ? { box: best.face.box, quality: best.quality, liveness: best.liveness ?? null, snapshots: best.snapshots }
          : { box: track.box, quality: { score: 0, sharpness: 0, brightness: 0, faceSize: track.box.height, frontalness: 0 }, liveness: null, snapshots: null };
        this.#d.onOutcome(await build(summary));
      })
      .catch((error: unknown) => this.#d.onError?.(error));
  }

  /** The liveness of a best view, on a copy of its frame (the view's own copy stays for its snapshots); null when it cannot be had. */
  #scoreLiveness(best: BestView): Promise<number | null> {
    const score = this.#d.liveness;
    if (!score) return Promise.resolve(null);
    const { width, height } = best.frame;
    // A reused buffer, as the views' own copies: it comes back with the answer.
    const copy = this.#views.copy(best.frame.pixels.buffer as ArrayBuffer, width * height * 3);
    return score(copy.buffer as ArrayBuffer, width, height, [best.face.box])
      .then((result) => {
        if (result.pixels?.byteLength === width * height * 3) this.#views.release(new Uint8Array(result.pixels));
        return result.liveness[0] ?? null;
      })
      .catch((error: unknown) => {
        this.#d.onError?.(error);
        return null;
      });
  }
}

/** The best views' copies are released at most once, never while an outcome waits to save their snapshots, never after a failed save. */
function releasable(best: BestView): boolean {
  return best.holds === 0 && !best.released && best.reusable;
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
