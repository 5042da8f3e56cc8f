import Database from 'better-sqlite3';

/**
 * A search worker's own read-only connection to the database whose table its index mirrors: one
 * consistent snapshot per read, reads spanning several steps, and whether another connection has
 * committed since (the cue to replay the change log). The readers of gallery.db and history.db
 * build on it.
 */
export abstract class SqliteReader {
  protected readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  /** Changes whenever another connection committed (SQLite's PRAGMA data_version). */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Runs `read` in one read transaction: one consistent snapshot however long it takes. */
  snapshot<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  /** A read transaction spanning several steps (the build yields between batches); end it with endRead. */
  beginRead(): void {
    this.db.exec('BEGIN');
  }

  endRead(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
