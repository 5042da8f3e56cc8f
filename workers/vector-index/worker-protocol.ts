/**
 * Messages between an index worker (workers/vector-index/serve-index.ts) and its client
 * (src/lifecycle/index-worker.ts). Requests are `{id, type, ...}`; every worker understands
 * `close` (save the index file if worth it, then exit). Types only: no runtime code.
 */
export interface IndexRequestBase {
  readonly id: number;
  readonly type: string;
}

export type IndexReply =
  | { readonly id: number; readonly ok: true; readonly value?: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** Sent by the worker on its own: the index is ready (after build or load), or progress while building. */
export type IndexNotice<Stats> =
  | { readonly type: 'ready'; readonly stats: Stats }
  | { readonly type: 'building'; readonly done: number; readonly total: number }
  | { readonly type: 'warning'; readonly message: string }
  /** The index could not be built or loaded (the database is unreadable): every request fails. */
  | { readonly type: 'failed'; readonly message: string };
