import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { VigilError } from '../errors';
import { IndexWorker, type IndexWorkerHooks, type IndexWorkerState } from '../lifecycle';
import { WORKERS_DIR } from '../config';
import type { GallerySearchSettings, SearchRequest, SearchStats } from '../../workers/gallery-search/protocol';
import type { Candidate } from './search';

export type { GallerySearchSettings, SearchStats as GallerySearchStats } from '../../workers/gallery-search/protocol';

/** `building` until the worker loaded or built the index; searches made meanwhile wait for it. */
export type GallerySearchState = IndexWorkerState;

export type GallerySearchHooks = IndexWorkerHooks<SearchStats>;

/**
 * The gallery's search, off the event loop: a worker thread owns the face index and answers
 * searches in order. The thread follows the database by itself (it reads gallery.db's change log
 * before every search), so writes through any connection are seen by the next search. A worker
 * that fails is restarted with backoff (src/lifecycle/index-worker.ts); its pending searches fail
 * with VIGIL_ERR_GALLERY_SEARCH_FAILED, which the recognizer reports as failed steps.
 */
export class GallerySearch extends IndexWorker<SearchRequest, SearchStats> {
  constructor(settings: GallerySearchSettings, hooks: GallerySearchHooks = {}) {
    super({
      name: 'gallery search',
      script: join(WORKERS_DIR, 'gallery-search-worker.js'),
      workerData: settings,
      failure: (message) => new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', message),
      ...hooks,
    });
  }

  /** The k identities most similar to `query`, best first, with `topK`'s semantics (negatives included). */
  async search(query: Float32Array, k: number): Promise<Candidate[]> {
    // A view into a larger buffer (a batch's output) would be posted with all of that buffer.
    const own = query.byteOffset === 0 && query.byteLength === query.buffer.byteLength ? query : query.slice();
    return ((await this.request({ type: 'search', query: own, k })) as Candidate[] | undefined) ?? [];
  }

  /** Asks the worker to catch up with the database now instead of at the next search. */
  sync(): void {
    this.hint({ type: 'sync' });
  }

  async stats(): Promise<SearchStats> {
    return (await this.request({ type: 'stats' })) as SearchStats;
  }
}

/** The gateway's search worker for gallery.db with the `recognition.gallerySearch` settings. */
export function gallerySearchFor(dbPath: string, config: Omit<GallerySearchSettings, 'dbPath' | 'buildThreads'> & { readonly buildThreads?: number | undefined }, logger: Logger | undefined): GallerySearch {
  // Building leaves one core to the event loop: a 1M-face build takes minutes and the gateway keeps serving meanwhile.
  const buildThreads = config.buildThreads ?? Math.max(1, availableParallelism() - 1);
  return new GallerySearch({ ...config, buildThreads, dbPath }, {
    onBuilding: (done, total) => logger?.info({ done, total }, 'gallery index building'),
    onReady: (stats) => logger?.info(stats, 'gallery search ready'),
    onWarning: (message) => logger?.warn(message),
  });
}
