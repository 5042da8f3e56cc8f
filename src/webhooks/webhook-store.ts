import type { Database } from '../storage';
import type { WebhookStore } from './service';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY, config TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

/** Webhooks added through the API, in control.db (0600): their settings, signing secret included (the dispatcher signs with it). */
export class SqliteWebhookStore implements WebhookStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
  }

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
}
