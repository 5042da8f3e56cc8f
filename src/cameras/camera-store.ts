import type { Database } from '../storage';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cameras (
  id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

/** A camera added through the API, as stored: its streams.yaml-shaped settings, URL credentials included. */
export interface StoredCamera {
  readonly id: string;
  readonly config: Record<string, unknown>;
}

/**
 * Where API cameras are kept: control.db on one gateway, a compacted Kafka topic in cluster mode.
 * Reads come from memory or SQLite (synchronous); writes may wait for a broker.
 */
export interface ApiCameraStore {
  cameras(): StoredCamera[];
  camera(id: string): StoredCamera | null;
  insert(id: string, config: Record<string, unknown>): boolean | Promise<boolean>;
  update(id: string, config: Record<string, unknown>): boolean | Promise<boolean>;
  delete(id: string): boolean | Promise<boolean>;
}

/**
 * Cameras added through the API, in control.db (0600: it holds camera passwords, which the
 * decoder needs in clear). Every write is one statement, so a crash mid-request leaves either the
 * old or the new state.
 */
export class CameraStore implements ApiCameraStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
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
  insert(id: string, config: Record<string, unknown>): boolean {
    const now = Date.now();
    const result = this.#db.prepare('INSERT OR IGNORE INTO cameras (id, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, JSON.stringify(config), now, now);
    return result.changes === 1;
  }

  update(id: string, config: Record<string, unknown>): boolean {
    return this.#db.prepare('UPDATE cameras SET config = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(config), Date.now(), id).changes === 1;
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes === 1;
  }
}
