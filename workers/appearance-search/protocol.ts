/** Messages between the history's face search (src/history) and its worker. Types only. */
import type { Quantization } from '../vector-index/ann-index';
import type { IndexNotice, IndexReply } from '../vector-index/worker-protocol';

export interface AppearanceSearchSettings {
  /** history.db; the worker opens its own read-only connection. */
  readonly dbPath: string;
  /** Only appearances embedded by this model (sha256) are indexed: another model's vectors are not comparable. */
  readonly model: string;
  readonly quantization: Quantization;
  readonly expansionSearch: number;
  readonly expansionAdd: number;
  readonly persistIndex: boolean;
  readonly buildThreads: number;
  /** Smallest index worth a file (default 20,000); tests lower it. */
  readonly persistMinRows?: number;
}

export interface AppearanceQuery {
  readonly vector: Float32Array;
  /** Appearances returned at most (one per track: its best). */
  readonly limit: number;
  readonly minSimilarity: number;
  readonly cameras: readonly string[] | null;
  /** ms since the epoch: at or after `from`, before `to`. */
  readonly from: number | null;
  readonly to: number | null;
  /** Leave out this appearance (the one searched with). */
  readonly exclude: number | null;
}

export interface AppearanceHit {
  /** The appearance's event row in history.db. */
  readonly row: number;
  /** Cosine similarity on the stored vectors (exact re-rank of the index's candidates). */
  readonly similarity: number;
}

export interface AppearanceAnswer {
  readonly hits: AppearanceHit[];
  /** Appearances the index holds (all searched, approximately). */
  readonly searched: number;
  readonly ms: number;
}

export interface AppearanceStats {
  readonly mode: 'exact' | 'ann';
  readonly size: number;
  readonly appliedChanges: number;
  readonly origin: 'built' | 'loaded' | 'empty';
  readonly buildMs: number;
}

export type AppearanceRequest =
  | { readonly id: number; readonly type: 'search'; readonly query: AppearanceQuery }
  | { readonly id: number; readonly type: 'stats' }
  | { readonly id: number; readonly type: 'close' };

export type AppearanceReply = IndexReply;
export type AppearanceNotice = IndexNotice<AppearanceStats>;
