import { VigilError, isVigilError } from '../errors';
import { decodeUpload } from '../imaging';
import type { DetectResult, EmbedResult, Point } from '../inference';
import type { AppearanceSearch } from './appearance-search';
import type { HistoryStore } from './history-store';

/** The face models, as search by photo uses them (the gateway's inference pool). */
export interface SearchModels {
  detect(pixels: ArrayBuffer, width: number, height: number, analyze: boolean): Promise<DetectResult>;
  embed(pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]): Promise<EmbedResult>;
}

export interface FaceSearchInput {
  /** A photo (JPEG, PNG or WebP): its largest face is searched. */
  readonly image?: Buffer;
  /** A stored face event (recognized or unknown): its track's embedding is searched. */
  readonly eventId?: string;
  readonly limit: number;
  readonly minSimilarity?: number;
  readonly cameras?: readonly string[] | null;
  readonly from?: number | null;
  readonly to?: number | null;
}

export interface FaceSearchResult {
  readonly eventId: string;
  readonly type: string;
  readonly camera: string;
  readonly time: string;
  readonly trackId: string | null;
  readonly similarity: number;
  /** The stored event, as published (its data has the identity, snapshots, box, quality). */
  readonly event: Record<string, unknown>;
}

export interface FaceSearchAnswer {
  readonly query: { readonly source: 'image' | 'event'; readonly eventId: string | null; readonly box: { x: number; y: number; width: number; height: number } | null };
  /** Appearances searched (those embedded by the model in use). */
  readonly searched: number;
  readonly minSimilarity: number;
  /** Time in the search worker (index, re-rank), ms. */
  readonly searchMs: number;
  readonly results: FaceSearchResult[];
}

export interface FaceSearchDeps {
  readonly store: () => HistoryStore | null;
  readonly index: () => AppearanceSearch | null;
  readonly models: SearchModels;
  readonly defaultMinSimilarity: number;
  /** Progress of an index being built, for the refusal's message. */
  readonly building: () => { done: number; total: number } | null;
  readonly onSearch?: (ms: number) => void;
}

/**
 * Search by face over the stored history: a photo's largest face (detected and embedded by the
 * gateway's own pool, as enrolment does) or a stored appearance's embedding, through the
 * appearance index; every appearance of that person across cameras and time, best first.
 */
export class FaceSearch {
  readonly #deps: FaceSearchDeps;

  constructor(deps: FaceSearchDeps) {
    this.#deps = deps;
  }

  async search(input: FaceSearchInput): Promise<FaceSearchAnswer> {
    const store = this.#deps.store();
    const index = this.#deps.index();
    if (!store || !index) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED', 'search by face needs the stored history (history.enabled and history.search.enabled)');
    if (index.state === 'building') {
      const progress = this.#deps.building();
      throw new VigilError('VIGIL_ERR_FACE_SEARCH_FAILED', `the face search index is being built${progress ? ` (${progress.done} of ${progress.total} appearances)` : ''}; try again shortly`, { ...progress });
    }
    const query = input.eventId !== undefined ? this.#fromEvent(store, index.model, input.eventId) : await this.#fromImage(input.image);
    const minSimilarity = input.minSimilarity ?? this.#deps.defaultMinSimilarity;
    const answer = await index.search({
      vector: query.vector,
      limit: input.limit,
      minSimilarity,
      cameras: input.cameras ?? null,
      from: input.from ?? null,
      to: input.to ?? null,
      exclude: query.row,
    });
    this.#deps.onSearch?.(answer.ms);
    const byRow = new Map(store.rows(answer.hits.map((h) => h.row)).map((e) => [e.row, e]));
    const results: FaceSearchResult[] = [];
    for (const hit of answer.hits) {
      const stored = byRow.get(hit.row);
      // Deleted by retention since the index looked: left out.
      if (!stored) continue;
      const event = JSON.parse(stored.json) as Record<string, unknown>;
      results.push({ eventId: stored.eventId, type: stored.type, camera: stored.camera, time: new Date(stored.time).toISOString(), trackId: stored.trackId, similarity: hit.similarity, event });
    }
    return { query: { source: query.row === null ? 'image' : 'event', eventId: input.eventId ?? null, box: query.box }, searched: answer.searched, minSimilarity, searchMs: Math.round(answer.ms * 100) / 100, results };
  }

  #fromEvent(store: HistoryStore, model: string, eventId: string): { vector: Float32Array; row: number; box: null } {
    const stored = store.event(eventId);
    const appearance = stored ? store.appearance(eventId) : null;
    if (!stored || !appearance) throw new VigilError('VIGIL_ERR_EVENT_NOT_FOUND', `no stored face event "${eventId}" with an embedding (only recognized and unknown events have one)`, { eventId });
    if (appearance.model !== model) {
      throw new VigilError('VIGIL_ERR_EVENT_NOT_FOUND', `event "${eventId}" was embedded by another model (${appearance.model.slice(0, 12)}…); search with a photo instead`, { eventId, model: appearance.model });
    }
    return { vector: appearance.vector, row: stored.row, box: null };
  }

  async #fromImage(bytes: Buffer | undefined): Promise<{ vector: Float32Array; row: null; box: { x: number; y: number; width: number; height: number } }> {
    if (!bytes) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'give an image or an eventId', { field: 'body' });
    const image = await decodeUpload(bytes);
    const { models } = this.#deps;
    try {
      const detected = await models.detect(image.pixels, image.width, image.height, true);
      const largest = [...detected.faces].sort((a, b) => b.box.height - a.box.height)[0];
      if (!largest) throw new VigilError('VIGIL_ERR_ENROLL_NO_FACE', 'no face found in the image; use a photo with a clear face', {});
      if (!largest.landmarks) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the face has no landmarks');
      const { embeddings } = await models.embed(detected.pixels, image.width, image.height, [{ landmarks: largest.landmarks }]);
      return { vector: embeddings[0] as Float32Array, row: null, box: largest.box };
    } catch (error) {
      if (isVigilError(error)) throw error;
      throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the face could not be analysed', {}, { cause: error });
    }
  }
}
