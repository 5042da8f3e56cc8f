import type { ort } from '../onnx-session';
import { BatchedModel, type RunClock } from '../model-runner';
import type { RunGate } from '../run-gate';
import type { Box, DetectedFace, Point } from '../protocol';
import { ALIGNED_SIZE, alignFace, alignedToTensor, cropToTensor, l2normalize, livenessRegion } from './align';
import { faceQuality, fivePoints } from './quality';

const LANDMARK_SIZE = 64;
const LIVENESS_SIZE = 128;

/** The analysis models of one worker; any of them may be absent (detection-only workers). */
export interface AnalysisSessions {
  readonly landmarks?: ort.InferenceSession;
  readonly liveness?: ort.InferenceSession;
  readonly embedding?: ort.InferenceSession;
}

/** A frame and the faces to work on in it. */
export interface FaceWork<F> {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly faces: readonly F[];
}

interface FaceRef {
  readonly frame: number;
  readonly face: number;
}

function flatten<F>(work: readonly FaceWork<F>[]): FaceRef[] {
  const refs: FaceRef[] = [];
  work.forEach((w, frame) => w.faces.forEach((_, face) => refs.push({ frame, face })));
  return refs;
}

/**
 * Per-face analysis in a worker, for all the faces of a batch of frames at once: landmarks,
 * quality and liveness (cheap, every face), and the embedding (only when the caller asks).
 * Each model runs once per `maxBatchFaces` faces across every frame of the batch, not once per
 * face; tensors are allocated once and reused.
 */
export class FaceAnalyzer {
  readonly #landmarks: BatchedModel | null;
  readonly #liveness: BatchedModel | null;
  readonly #embedding: BatchedModel | null;
  readonly #aligned = new Uint8Array(ALIGNED_SIZE * ALIGNED_SIZE * 3);

  constructor(sessions: AnalysisSessions, maxBatchFaces: number, gate: RunGate | null) {
    const model = (s: ort.InferenceSession | undefined, shape: number[]): BatchedModel | null => (s ? new BatchedModel(s, shape, maxBatchFaces, gate) : null);
    this.#landmarks = model(sessions.landmarks, [1, LANDMARK_SIZE, LANDMARK_SIZE]);
    this.#liveness = model(sessions.liveness, [3, LIVENESS_SIZE, LIVENESS_SIZE]);
    this.#embedding = model(sessions.embedding, [3, ALIGNED_SIZE, ALIGNED_SIZE]);
  }

  get batchedEmbedding(): boolean {
    return this.#embedding?.batched ?? false;
  }

  /**
   * Landmarks, quality and liveness for every face of every frame; faces without landmarks come
   * back as they were. Liveness only for the frames that ask for it (`liveness`, default true).
   */
  async analyzeAll(work: readonly (FaceWork<DetectedFace> & { readonly liveness?: boolean })[], clock: RunClock): Promise<DetectedFace[][]> {
    const out = work.map((w) => [...w.faces]);
    const landmarks = this.#landmarks;
    if (!landmarks) return out;
    const refs = flatten(work);
    const points68: Point[][] = new Array<Point[]>(refs.length);
    await landmarks.runAll(
      refs.length,
      clock,
      (i, slot) => {
        const { frame, face } = refs[i] as FaceRef;
        const w = work[frame] as FaceWork<DetectedFace>;
        cropToTensor(w.rgb, w.width, w.height, (w.faces[face] as DetectedFace).box, LANDMARK_SIZE, slot, { grey: true, offset: 0, scale: 1 / 256 });
      },
      (i, outputs, k) => {
        const { frame, face } = refs[i] as FaceRef;
        const box = ((work[frame] as FaceWork<DetectedFace>).faces[face] as DetectedFace).box;
        const data = Object.values(outputs)[0] as Float32Array;
        if (data.length < (k + 1) * 136) throw new Error('landmark model returned fewer than 68 points');
        const points: Point[] = [];
        for (let p = 0; p < 68; p++) points.push([box.x + (data[k * 136 + p * 2] as number) * box.width, box.y + (data[k * 136 + p * 2 + 1] as number) * box.height]);
        points68[i] = points;
      },
    );
    const liveRefs = refs.map((ref, i) => ({ ref, i })).filter(({ ref }) => work[ref.frame]?.liveness !== false);
    const scores = await this.#livenessOf(
      liveRefs.map(({ ref }) => {
        const w = work[ref.frame] as FaceWork<DetectedFace>;
        return { rgb: w.rgb, width: w.width, height: w.height, box: (w.faces[ref.face] as DetectedFace).box };
      }),
      clock,
    );
    const liveness = new Array<number | undefined>(refs.length);
    if (scores) liveRefs.forEach(({ i }, j) => (liveness[i] = scores[j]));
    refs.forEach(({ frame, face }, i) => {
      const w = work[frame] as FaceWork<DetectedFace>;
      const detected = w.faces[face] as DetectedFace;
      const points = fivePoints(points68[i] as Point[]);
      alignFace(w.rgb, w.width, w.height, points, this.#aligned);
      const quality = faceQuality(this.#aligned, points, detected.box.height);
      const rounded = points.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10] as Point);
      const live = liveness[i];
      (out[frame] as DetectedFace[])[face] = live === undefined ? { ...detected, landmarks: rounded, quality } : { ...detected, landmarks: rounded, quality, liveness: live };
    });
    return out;
  }

  /** Liveness of the given boxes of every frame (a track's best view, when it is reported); null without the model. */
  async livenessAll(work: readonly FaceWork<Box>[], clock: RunClock): Promise<number[][] | null> {
    const refs = flatten(work);
    const scores = await this.#livenessOf(
      refs.map(({ frame, face }) => {
        const w = work[frame] as FaceWork<Box>;
        return { rgb: w.rgb, width: w.width, height: w.height, box: w.faces[face] as Box };
      }),
      clock,
    );
    if (!scores) return null;
    const out = work.map((w) => new Array<number>(w.faces.length));
    refs.forEach(({ frame, face }, i) => ((out[frame] as number[])[face] = scores[i] as number));
    return out;
  }

  /** Probability that each face is live (softmax class 0, as the model's SDK reads it); null without the model. */
  async #livenessOf(faces: readonly { rgb: Uint8Array; width: number; height: number; box: Box }[], clock: RunClock): Promise<number[] | null> {
    const model = this.#liveness;
    if (!model) return null;
    const result = new Array<number>(faces.length);
    if (faces.length === 0) return result;
    await model.runAll(
      faces.length,
      clock,
      (i, slot) => {
        const f = faces[i] as (typeof faces)[number];
        cropToTensor(f.rgb, f.width, f.height, livenessRegion(f.box, f.width, f.height), LIVENESS_SIZE, slot, { grey: false, offset: 0, scale: 1 });
      },
      (i, outputs, k, n) => {
        const logits = Object.values(outputs)[0] as Float32Array;
        const classes = logits.length / n;
        if (classes < 2) throw new Error('liveness model returned no logits');
        result[i] = softmaxFirst(logits.subarray(k * classes, (k + 1) * classes));
      },
    );
    return result;
  }

  /**
   * One L2-normalised 512-d embedding per face of every frame, aligned from its five points, with
   * the aligned crop it was made from (112x112 RGB24, 37 KB): the caller keeps it to re-embed with
   * a later model, and does not align the face again on its own thread.
   */
  async embedAll(work: readonly FaceWork<{ readonly landmarks: Point[] }>[], clock: RunClock): Promise<{ embeddings: Float32Array[]; crops: Uint8Array[] }[]> {
    const model = this.#embedding;
    if (!model) throw new Error('this worker has no embedding model');
    const refs = flatten(work);
    const out = work.map((w) => new Array<Float32Array>(w.faces.length));
    const crops = work.map((w) => new Array<Uint8Array>(w.faces.length));
    await model.runAll(
      refs.length,
      clock,
      (i, slot) => {
        const { frame, face } = refs[i] as FaceRef;
        const w = work[frame] as FaceWork<{ readonly landmarks: Point[] }>;
        // Aligned into the crop that goes back with the embedding: no second copy.
        const crop = new Uint8Array(ALIGNED_SIZE * ALIGNED_SIZE * 3);
        alignFace(w.rgb, w.width, w.height, (w.faces[face] as { readonly landmarks: Point[] }).landmarks, crop);
        alignedToTensor(crop, slot);
        (crops[frame] as Uint8Array[])[face] = crop;
      },
      (i, outputs, k) => {
        const { frame, face } = refs[i] as FaceRef;
        const data = Object.values(outputs)[0] as Float32Array;
        if (data.length < (k + 1) * 512) throw new Error(`embedding model returned ${data.length} values, expected 512 per face`);
        (out[frame] as Float32Array[])[face] = l2normalize(data.slice(k * 512, (k + 1) * 512));
      },
    );
    return out.map((embeddings, frame) => ({ embeddings, crops: crops[frame] as Uint8Array[] }));
  }
}

function softmaxFirst(logits: Float32Array): number {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - max);
  return Math.round((Math.exp((logits[0] as number) - max) / sum) * 10_000) / 10_000;
}
