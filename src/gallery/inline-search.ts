import type Database from 'better-sqlite3';
import { topK, type Candidate, type Identity, type IndexedIdentity } from './search';

/**
 * Small galleries (`exactMaxFaces`, in `auto`) are searched right here, exactly, on the calling
 * thread: a few hundred faces scan in well under a millisecond, less than a round trip to the
 * search worker, so a site of a few dozen people pays nothing for the worker. The faces are read
 * again whenever the database changed (PRAGMA data_version for other connections, the gallery's
 * own write counter for ours), so every search sees every committed write, as the worker does.
 */
export class InlineSearch {
  readonly #db: Database.Database;
  readonly #maxFaces: number;
  #version = -1;
  #writes = -1;
  #faces = 0;
  #index: IndexedIdentity[] | null = null;

  constructor(db: Database.Database, maxFaces: number) {
    this.#db = db;
    this.#maxFaces = maxFaces;
  }

  /** Whether the gallery is small enough to be searched here; `writes` counts the gallery's own writes. */
  serves(writes: number): boolean {
    const version = this.#db.pragma('data_version', { simple: true }) as number;
    if (version !== this.#version || writes !== this.#writes) {
      this.#version = version;
      this.#writes = writes;
      this.#faces = Number(this.#db.prepare("SELECT value FROM gallery_meta WHERE key = 'faces'").pluck().get());
      this.#index = null;
    }
    return this.#faces <= this.#maxFaces;
  }

  /** Call after `serves` said true. */
  search(query: Float32Array, k: number): Candidate[] {
    this.#index ??= this.#load();
    return topK(this.#index, query, k);
  }

  #load(): IndexedIdentity[] {
    const rows = this.#db.prepare('SELECT id, name, external_id, metadata FROM identities').all() as { id: string; name: string; external_id: string | null; metadata: string | null }[];
    const byId = new Map<string, { identity: Identity; faces: Float32Array[]; negatives: Float32Array[] }>();
    for (const row of rows) {
      const metadata = row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null;
      byId.set(row.id, { identity: { id: row.id, name: row.name, externalId: row.external_id, metadata }, faces: [], negatives: [] });
    }
    const vectors = (table: 'faces' | 'negatives') => this.#db.prepare(`SELECT identity_id, embedding FROM ${table}`).all() as { identity_id: string; embedding: Buffer }[];
    for (const row of vectors('faces')) byId.get(row.identity_id)?.faces.push(floats(row.embedding));
    for (const row of vectors('negatives')) byId.get(row.identity_id)?.negatives.push(floats(row.embedding));
    return [...byId.values()];
  }
}

function floats(blob: Buffer): Float32Array {
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}
