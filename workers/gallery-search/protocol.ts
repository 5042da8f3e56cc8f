/** Messages between the gallery (main thread) and its search worker. */
import type { Candidate } from '../../src/gallery/search';

export type SearchMode = 'auto' | 'exact' | 'ann';
export type Quantization = 'i8' | 'f16' | 'f32';

export interface GallerySearchSettings {
  /** gallery.db; the worker opens its own read-only connection. */
  readonly dbPath: string;
  /**
   * `auto`: galleries up to `exactMaxFaces` faces are scanned exactly on the gateway's own thread
   * (src/gallery/inline-search.ts) and the worker keeps the ANN index for larger ones; `exact`:
   * the worker scans every face; `ann`: the worker's ANN index always.
   */
  readonly mode: SearchMode;
  readonly exactMaxFaces: number;
  /** How the ANN index stores vectors; answers are re-ranked on the exact float32 embeddings. */
  readonly quantization: Quantization;
  /** Faces the index proposes per search (widened when negatives leave fewer than k identities). */
  readonly candidates: number;
  /** HNSW search breadth (usearch `expansion_search`): recall against latency. */
  readonly expansionSearch: number;
  /** Keep the ANN index in a file next to gallery.db so a restart need not rebuild it. */
  readonly persistIndex: boolean;
  /** Threads for building the index (searches use one). */
  readonly buildThreads: number;
  /** Smallest ANN index worth a file (default PERSIST_MIN_FACES); tests lower it. */
  readonly persistMinFaces?: number;
}

export interface SearchStats {
  readonly mode: 'exact' | 'ann';
  readonly faces: number;
  /** Face changes applied since the index was built or loaded. */
  readonly appliedChanges: number;
  /** How the index came to be at start: built from the faces table or loaded from its file (then replayed). */
  readonly origin: 'built' | 'loaded' | 'empty';
  readonly buildMs: number;
}

export type SearchRequest =
  | { readonly id: number; readonly type: 'search'; readonly query: Float32Array; readonly k: number }
  /** Catch up with the database now (the gateway's poll saw a change), rather than at the next search. */
  | { readonly id: number; readonly type: 'sync' }
  | { readonly id: number; readonly type: 'stats' }
  /** Saves the index file if it changed (and persisting is on), then the worker exits. */
  | { readonly id: number; readonly type: 'close' };

export type SearchReply =
  | { readonly id: number; readonly ok: true; readonly candidates?: Candidate[]; readonly stats?: SearchStats }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** Sent by the worker on its own: the index is ready (after build or load), or progress while building. */
export type SearchNotice =
  | { readonly type: 'ready'; readonly stats: SearchStats }
  | { readonly type: 'building'; readonly done: number; readonly total: number }
  | { readonly type: 'warning'; readonly message: string }
  /** The index could not be built or loaded (the database is unreadable): every search fails. */
  | { readonly type: 'failed'; readonly message: string };
