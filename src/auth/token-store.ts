import type { Database } from '../storage';
import type { TokenEntry } from './token-check';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT, digest TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
`;

/** Tokens created through the API, in control.db: id, role, name and the token's sha256, never the token. */
export class TokenStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
  }

  tokens(): TokenEntry[] {
    const rows = this.#db.prepare('SELECT id, role, name, digest, created_at FROM tokens ORDER BY created_at').all() as { id: string; role: string; name: string | null; digest: string; created_at: number }[];
    return rows.map((r) => ({ id: r.id, role: r.role as TokenEntry['role'], source: 'stored', name: r.name, digest: r.digest, createdAt: new Date(r.created_at).toISOString() }));
  }

  insert(entry: TokenEntry): void {
    this.#db.prepare('INSERT INTO tokens (id, role, name, digest, created_at) VALUES (?, ?, ?, ?, ?)').run(entry.id, entry.role, entry.name, entry.digest, Date.parse(entry.createdAt ?? '') || Date.now());
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes === 1;
  }
}
