import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SyncedIndex, type SyncedIndexHooks } from '../vector-index/synced-index';
import { AppearanceReader } from './appearance-reader';
import type { AppearanceAnswer, AppearanceQuery, AppearanceSearchSettings, AppearanceStats } from './protocol';
import { nextCandidates, rankAppearances } from './ranking';

/** Below this many appearances a rebuild takes seconds: no index file is kept. */
const PERSIST_MIN_ROWS = 20_000;
/** Save the index file when this many changes are not in it (half the change log: a crash then still replays). */
const SAVE_AFTER_CHANGES = 50_000;

/** The persisted index lives next to history.db. */
export function historyIndexDir(dbPath: string): string {
  return join(dbPath, '..', 'history-index');
}

/**
 * The history's appearances as an ANN index (usearch HNSW, shared with the gallery through
 * SyncedIndex), following history.db's appearance change log; a search asks the index for
 * candidates and re-ranks them exactly on the stored vectors, with the query's filters.
 */
export class AppearanceIndex {
  readonly #reader: AppearanceReader;
  readonly #index: SyncedIndex;

  constructor(settings: AppearanceSearchSettings, hooks: SyncedIndexHooks = {}) {
    this.#reader = new AppearanceReader(settings.dbPath, settings.model);
    this.#index = new SyncedIndex(this.#reader, {
      exact: false,
      quantization: settings.quantization,
      expansionSearch: settings.expansionSearch,
      expansionAdd: settings.expansionAdd,
      buildThreads: settings.buildThreads,
      persist: settings.persistIndex ? { dir: historyIndexDir(settings.dbPath), prefix: 'appearances', minRows: settings.persistMinRows ?? PERSIST_MIN_ROWS } : null,
    }, hooks);
  }

  stats(): AppearanceStats {
    return this.#index.stats();
  }

  start(stopped: () => boolean): Promise<void> {
    return this.#index.start(stopped);
  }

  /** Between requests: catch up with the table, and save the index file when it fell far behind. */
  tick(): void {
    this.#index.sync();
    if (this.#index.unsaved >= SAVE_AFTER_CHANGES) this.#index.saveIfUseful();
  }

  search(query: AppearanceQuery): AppearanceAnswer {
    const t0 = performance.now();
    const index = this.#index;
    index.sync();
    const size = index.size;
    if (size === 0 || query.limit <= 0) return { hits: [], searched: size, ms: performance.now() - t0 };
    return this.#reader.snapshot(() => {
      let n = nextCandidates(0, query.limit, size, 0, null, query.minSimilarity);
      for (;;) {
        const ids = index.nearest(query.vector, n);
        const rows = this.#reader.candidates(ids);
        const hits = rankAppearances(query, rows);
        const weakest = rows.length > 0 ? Math.min(...rows.map((r) => dotOf(query.vector, r.vector))) : null;
        const next = nextCandidates(n, query.limit, size, hits.length, weakest, query.minSimilarity);
        if (next === n) return { hits, searched: size, ms: performance.now() - t0 };
        n = next;
      }
    });
  }

  close(): void {
    this.#index.saveIfUseful();
    this.#reader.close();
  }
}

function dotOf(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
