/**
 * What a synced index needs of the table it mirrors (the gallery's faces, the history's
 * appearances): rows of vectors keyed by an integer id, and a change log written by triggers in
 * the database itself, so every connection's writes reach the index without a reload.
 */
export interface VectorRow {
  readonly id: number;
  readonly embedding: Float32Array;
}

export interface ChangeWindow {
  /** Oldest and newest change still in the log (null when it is empty). */
  readonly oldest: number | null;
  readonly newest: number | null;
  /** The highest change number ever given (the log's AUTOINCREMENT counter; 0 before any). */
  readonly counter: number;
}

export interface RowChange {
  readonly seq: number;
  readonly rowId: number;
  /** 1: the row was added, 0: removed. */
  readonly added: number;
}

export interface VectorSource {
  /** Changes whenever another connection committed (SQLite's PRAGMA data_version). */
  dataVersion(): number;
  /** Runs `read` in one read transaction: one consistent snapshot however long it takes. */
  snapshot<T>(read: () => T): T;
  /** A read transaction spanning several steps (a build yields between batches); end it with endRead. */
  beginRead(): void;
  endRead(): void;
  /** Rows the index should hold now. */
  count(): number;
  /** Names the store and anything else an index file must match to be reused (a persisted index of another store is rebuilt). */
  storeId(): string;
  changeWindow(): ChangeWindow;
  /** Changes after `seq`, oldest first. */
  changesSince(seq: number): RowChange[];
  /** The rows with these ids that the index should hold (others are left out). */
  rowsById(ids: readonly number[]): VectorRow[];
  /** Every row the index should hold, in id order. */
  allRows(): Iterable<VectorRow>;
  /** The index dropped this row (removed, or replaced by a re-read): for a source that keeps something per indexed row. */
  forget?(id: number): void;
}

/**
 * Whether an index that applied changes up to `applied` cannot catch up from the log (pure): the
 * log lost changes it has not seen (pruned), or the database is older than the index (restored).
 */
export function needsRebuild(window: ChangeWindow, applied: number): boolean {
  if (window.counter < applied) return true;
  if (window.oldest === null) return window.counter > applied;
  return window.oldest > applied + 1;
}
