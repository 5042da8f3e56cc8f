import type { Database } from '../storage';
import type { TokenEntry } from './token-check';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT, digest TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
`;

interface Row {
  id: string;
  role: string;
  name: string | null;
  digest: string;
  created_at: number;
  expires_at: number | null;
}

/** Tokens created through the API, in control.db: id, role, name, expiry and the token's sha256, never the token. */
export class TokenStore {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(SCHEMA);
    // Added with token expiry; tables from before get the column (NULL: never expires).
    const columns = db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'expires_at')) db.exec('ALTER TABLE tokens ADD COLUMN expires_at INTEGER');
  }

  tokens(): TokenEntry[] {
    const rows = this.#db.prepare('SELECT id, role, name, digest, created_at, expires_at FROM tokens ORDER BY created_at').all() as Row[];
    return rows.map((r) => ({
      id: r.id,
      role: r.role as TokenEntry['role'],
      source: 'stored',
      name: r.name,
      digest: r.digest,
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
    }));
  }

  insert(entry: TokenEntry): void {
    this.#db
      .prepare('INSERT INTO tokens (id, role, name, digest, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.id, entry.role, entry.name, entry.digest, Date.parse(entry.createdAt ?? '') || Date.now(), expiryMs(entry));
  }

  /** Changes a stored token's role, name and expiry; false when there is no such token. */
  update(entry: TokenEntry): boolean {
    return this.#db.prepare('UPDATE tokens SET role = ?, name = ?, expires_at = ? WHERE id = ?').run(entry.role, entry.name, expiryMs(entry), entry.id).changes === 1;
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM tokens WHERE id = ?').run(id).changes === 1;
  }
}

function expiryMs(entry: TokenEntry): number | null {
  return entry.expiresAt === null ? null : Date.parse(entry.expiresAt);
}
