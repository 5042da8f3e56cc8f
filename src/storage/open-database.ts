import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Files Vigil writes hold camera passwords, face embeddings and names: owner only. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
/** Page cache bound per connection. */
const PAGE_CACHE_KIB = 2048;

export interface DatabaseOptions {
  /** `FULL` for operators' changes (few, must survive power loss); `NORMAL` is enough under WAL otherwise. */
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly foreignKeys?: boolean;
}

/**
 * Opens (creating if needed) a SQLite database the way every Vigil store must: its folder 0700,
 * the file created 0600 before SQLite touches it (SQLite gives the -wal and -shm files the mode
 * of the database file, so they are private from the first write), WAL so the CLI can write
 * while a gateway reads, and a busy timeout instead of SQLITE_BUSY errors. The one door to
 * better-sqlite3's opening; callers map a throw to their own error code.
 */
export function openDatabase(path: string, options: DatabaseOptions): Database.Database {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  // A file made by an older version (or by hand) may be looser: tighten it before use.
  chmodSync(path, PRIVATE_FILE_MODE);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma('busy_timeout = 5000');
  // SQLite's page cache, per connection, in KiB (this build's default is 16 MB): pages of a
  // growing table (the recent tracks' embeddings) would fill it over hours of uptime.
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  if (options.foreignKeys) db.pragma('foreign_keys = ON');
  return db;
}

export type { Database };

/**
 * Runs `body` in a write transaction that takes the write lock first (BEGIN IMMEDIATE), waiting
 * for it under the busy timeout. A plain (deferred) transaction that reads before it writes holds
 * a read snapshot when it asks for the lock; SQLite then answers SQLITE_BUSY at once, without the
 * busy timeout, whenever another connection is writing (the CLI enrolling while the gateway
 * records tracks). Every transaction that writes goes through here.
 */
export function writeTransaction<T>(db: Database.Database, body: () => T): T {
  return db.transaction(body).immediate();
}
