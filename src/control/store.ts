import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { VigilError } from '../errors';
import type { TokenEntry } from '../events';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cameras (
  id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT, digest TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

/** A camera added through the API, as stored: its streams.yaml-shaped settings, URL credentials included. */
export interface StoredCamera {
  readonly id: string;
  readonly config: Record<string, unknown>;
}

/**
 * The control plane's own SQLite database, `control.db` under VIGIL_DATA_DIR (file mode 0600: it
 * holds camera passwords, which ffmpeg needs in clear). Every write is one transaction, so a crash
 * mid-request leaves either the old or the new state.
 */
export class ControlStore {
  readonly path: string;
  readonly #db: Database.Database;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
  }

  static open(dataDir: string): ControlStore {
    const path = join(dataDir, 'control.db');
    try {
      mkdirSync(dataDir, { recursive: true });
      const db = new Database(path);
      chmodSync(path, 0o600);
      db.pragma('journal_mode = WAL');
      // Few writes, each one an operator's change: durability over speed.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      return new ControlStore(path, db);
    } catch (error) {
      throw new VigilError('VIGIL_ERR_STORE_UNAVAILABLE', `cannot open ${path}: ${(error as Error).message}`, { path });
    }
  }

  cameras(): StoredCamera[] {
    const rows = this.#db.prepare('SELECT id, config FROM cameras ORDER BY created_at, id').all() as { id: string; config: string }[];
    return rows.map((r) => ({ id: r.id, config: JSON.parse(r.config) as Record<string, unknown> }));
  }

  camera(id: string): StoredCamera | null {
    const row = this.#db.prepare('SELECT id, config FROM cameras WHERE id = ?').get(id) as { id: string; config: string } | undefined;
    return row ? { id: row.id, config: JSON.parse(row.config) as Record<string, unknown> } : null;
  }

  /** Inserts a camera; false when the id is taken (nothing written). */
  insertCamera(id: string, config: Record<string, unknown>): boolean {
    const now = Date.now();
    const result = this.#db.prepare('INSERT OR IGNORE INTO cameras (id, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(config), now, now);
    return result.changes === 1;
  }

  updateCamera(id: string, config: Record<string, unknown>): boolean {
    return this.#db.prepare('UPDATE cameras SET config = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(config), Date.now(), id).changes === 1;
  }

  deleteCamera(id: string): boolean {
    return this.#db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes === 1;
  }

  tokens(): TokenEntry[] {
    const rows = this.#db.prepare('SELECT id, role, name, digest, created_at FROM tokens ORDER BY created_at').all() as { id: string; role: string; name: string | null; digest: string; created_at: number }[];
    return rows.map((r) => ({ id: r.id, role: r.role as TokenEntry['role'], source: 'stored', name: r.name, digest: r.digest, createdAt: new Date(r.created_at).toISOString() }));
  }

  insertToken(entry: TokenEntry): void {
    this.#db.prepare('INSERT INTO tokens (id, role, name, digest, created_at) VALUES (?, ?, ?, ?, ?)').run(entry.id, entry.role, entry.name, entry.digest, Date.parse(entry.createdAt ?? '') || Date.now());
  }

  deleteToken(id: string): boolean {
    return this.#db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes === 1;
  }

  /** Webhooks added through the API: their settings, signing secret included (src/webhooks signs with it). */
  webhooks(): { id: string; config: Record<string, unknown> }[] {
    const rows = this.#db.prepare('SELECT id, config FROM webhooks ORDER BY created_at, id').all() as { id: string; config: string }[];
    return rows.map((r) => ({ id: r.id, config: JSON.parse(r.config) as Record<string, unknown> }));
  }

  /** False when the id is taken (nothing written). */
  insertWebhook(id: string, config: Record<string, unknown>): boolean {
    return this.#db.prepare('INSERT OR IGNORE INTO webhooks (id, config, created_at) VALUES (?, ?, ?)').run(id, JSON.stringify(config), Date.now()).changes === 1;
  }

  deleteWebhook(id: string): boolean {
    return this.#db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes === 1;
  }

  /** Whether the database still takes writes (readiness). */
  writable(): boolean {
    try {
      this.#db.prepare('PRAGMA user_version = 1').run();
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
