/** Messages between the gallery (main thread) and its search worker. */
import type { Quantization } from '../vector-index/ann-index';
import type { IndexNotice, IndexReply } from '../vector-index/worker-protocol';

export type SearchMode = 'auto' | 'exact' | 'ann';
export type { Quantization };

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
  /** How the ANN index stores vectors (ENCODINGS in ann-index.ts); answers are ranked by the index's own similarities. */
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

/** Answers and notices: the shared index-worker protocol. */
export type SearchReply = IndexReply;
export type SearchNotice = IndexNotice<SearchStats>;
