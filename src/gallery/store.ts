import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { VigilError } from '../errors';
import { openDatabase, type Database } from '../storage';
import { checkIdentityText } from './identity-text';
import { topK, type Candidate, type Identity, type IndexedIdentity } from './search';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS identities (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, external_id TEXT, metadata TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS faces (
  id INTEGER PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  embedding BLOB NOT NULL, source TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS negatives (
  id INTEGER PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  embedding BLOB NOT NULL, source TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tracks (
  track_id TEXT PRIMARY KEY, camera TEXT NOT NULL, embedding BLOB NOT NULL, created_at INTEGER NOT NULL);
`;

/**
 * faces.sha256 (added after the first release, so added to older files on open): the sha256 of
 * the photo a face was enrolled from, so that re-running a bulk enrolment skips what is in.
 */
function migrate(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(faces)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'sha256')) db.exec('ALTER TABLE faces ADD COLUMN sha256 TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS faces_identity_sha256 ON faces (identity_id, sha256)');
}

/** One enrolled face: its embedding, where it came from, and the sha256 of the photo (when from a photo). */
export interface FaceInput {
  readonly embedding: Float32Array;
  readonly source: string;
  readonly sha256?: string | undefined;
}

export interface FaceRecord {
  readonly id: number;
  readonly source: string | null;
  readonly sha256: string | null;
  readonly createdAt: string;
}

/** Recent tracks' embeddings kept for "not this person" on a track; older ones are pruned. */
const MAX_TRACKS = 10_000;

export interface IdentitySummary extends Identity {
  readonly faces: number;
  readonly negatives: number;
  readonly createdAt: string;
}

function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function fromBlob(b: Buffer): Float32Array {
  const copy = new Float32Array(b.byteLength / 4);
  new Uint8Array(copy.buffer).set(b);
  return copy;
}

/**
 * The gallery: identities and their face embeddings in SQLite (`gallery.db` under the data
 * directory), searched in memory. WAL mode lets the CLI write while a gateway reads; the gateway
 * calls `refreshIfChanged()` periodically, which reloads the index only when another connection
 * committed (PRAGMA data_version changes).
 */
export class Gallery {
  readonly path: string;
  readonly #db: Database.Database;
  #index: IndexedIdentity[] = [];
  #dataVersion = -1;
  #localChanges = 0;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
  }

  static open(dataDir: string): Gallery {
    const path = join(dataDir, 'gallery.db');
    try {
      // Face embeddings are biometric data: the file is private like control.db.
      const db = openDatabase(path, { synchronous: 'FULL', foreignKeys: true });
      db.exec(SCHEMA);
      migrate(db);
      const gallery = new Gallery(path, db);
      gallery.#reload();
      return gallery;
    } catch (error) {
      throw new VigilError('VIGIL_ERR_GALLERY_UNAVAILABLE', `cannot open the gallery ${path}: ${(error as Error).message}`, { path });
    }
  }

  /** Identities in memory, for search. */
  get size(): number {
    return this.#index.length;
  }

  /** Reloads the in-memory index if the database changed since the last load; returns whether it did. */
  refreshIfChanged(): boolean {
    const version = this.#db.pragma('data_version', { simple: true }) as number;
    // data_version only moves for other connections' commits; our own writes bump #localChanges.
    if (version === this.#dataVersion && this.#localChanges === 0) return false;
    this.#reload();
    return true;
  }

  #reload(): void {
    const identities = this.#db.prepare('SELECT id, name, external_id, metadata FROM identities ORDER BY name').all() as {
      id: string; name: string; external_id: string | null; metadata: string | null;
    }[];
    const byId = new Map<string, { identity: Identity; faces: Float32Array[]; negatives: Float32Array[] }>();
    for (const row of identities) {
      const metadata = row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null;
      byId.set(row.id, { identity: { id: row.id, name: row.name, externalId: row.external_id, metadata }, faces: [], negatives: [] });
    }
    for (const row of this.#db.prepare('SELECT identity_id, embedding FROM faces').all() as { identity_id: string; embedding: Buffer }[]) {
      byId.get(row.identity_id)?.faces.push(fromBlob(row.embedding));
    }
    for (const row of this.#db.prepare('SELECT identity_id, embedding FROM negatives').all() as { identity_id: string; embedding: Buffer }[]) {
      byId.get(row.identity_id)?.negatives.push(fromBlob(row.embedding));
    }
    this.#index = [...byId.values()];
    this.#dataVersion = this.#db.pragma('data_version', { simple: true }) as number;
    this.#localChanges = 0;
  }

  search(query: Float32Array, k = 5): Candidate[] {
    return topK(this.#index, query, k);
  }

  /** Adds faces to the identity called `name`, creating it if needed. */
  enroll(name: string, embeddings: readonly FaceInput[], options: { externalId?: string; metadata?: Record<string, unknown> } = {}): Identity {
    checkIdentityText({ name, ...options });
    const now = Date.now();
    const tx = this.#db.transaction(() => {
      let row = this.#db.prepare('SELECT id FROM identities WHERE name = ?').get(name) as { id: string } | undefined;
      if (!row) {
        row = { id: randomUUID() };
        this.#db
          .prepare('INSERT INTO identities (id, name, external_id, metadata, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(row.id, name, options.externalId ?? null, options.metadata ? JSON.stringify(options.metadata) : null, now);
      } else if (options.externalId !== undefined || options.metadata !== undefined) {
        this.#db.prepare('UPDATE identities SET external_id = COALESCE(?, external_id), metadata = COALESCE(?, metadata) WHERE id = ?')
          .run(options.externalId ?? null, options.metadata ? JSON.stringify(options.metadata) : null, row.id);
      }
      const insert = this.#db.prepare('INSERT INTO faces (identity_id, embedding, source, sha256, created_at) VALUES (?, ?, ?, ?, ?)');
      for (const e of embeddings) insert.run(row.id, toBlob(e.embedding), e.source, e.sha256 ?? null, now);
      return row.id;
    });
    const id = tx();
    this.#changed();
    return this.identity(id) as Identity;
  }

  /** Creates a new identity with its faces in one transaction; VIGIL_ERR_IDENTITY_EXISTS when the name is taken. */
  create(name: string, embeddings: readonly FaceInput[], options: { externalId?: string; metadata?: Record<string, unknown> } = {}): IdentitySummary {
    checkIdentityText({ name, ...options });
    const id = randomUUID();
    const now = Date.now();
    const tx = this.#db.transaction(() => {
      if (this.#db.prepare('SELECT 1 FROM identities WHERE name = ?').get(name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${name}" exists`, { name });
      this.#db
        .prepare('INSERT INTO identities (id, name, external_id, metadata, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, name, options.externalId ?? null, options.metadata ? JSON.stringify(options.metadata) : null, now);
      const insert = this.#db.prepare('INSERT INTO faces (identity_id, embedding, source, sha256, created_at) VALUES (?, ?, ?, ?, ?)');
      for (const e of embeddings) insert.run(id, toBlob(e.embedding), e.source, e.sha256 ?? null, now);
    });
    tx();
    this.#changed();
    return this.identity(id) as IdentitySummary;
  }

  /** Changes name, external id or metadata (null clears); VIGIL_ERR_IDENTITY_EXISTS when renaming onto another's name. */
  update(ref: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentitySummary {
    checkIdentityText(patch);
    const found = this.#require(ref);
    const tx = this.#db.transaction(() => {
      if (patch.name !== undefined && patch.name !== found.name) {
        if (this.#db.prepare('SELECT 1 FROM identities WHERE name = ?').get(patch.name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${patch.name}" exists`, { name: patch.name });
        this.#db.prepare('UPDATE identities SET name = ? WHERE id = ?').run(patch.name, found.id);
      }
      if (patch.externalId !== undefined) this.#db.prepare('UPDATE identities SET external_id = ? WHERE id = ?').run(patch.externalId, found.id);
      if (patch.metadata !== undefined) this.#db.prepare('UPDATE identities SET metadata = ? WHERE id = ?').run(patch.metadata ? JSON.stringify(patch.metadata) : null, found.id);
    });
    tx();
    this.#changed();
    return this.identity(found.id) as IdentitySummary;
  }

  /** Adds one face to an existing identity; returns the face id. */
  addFace(ref: string, embedding: Float32Array, source: string, sha256?: string): number {
    const found = this.#require(ref);
    const result = this.#db
      .prepare('INSERT INTO faces (identity_id, embedding, source, sha256, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(found.id, toBlob(embedding), source, sha256 ?? null, Date.now());
    this.#changed();
    return Number(result.lastInsertRowid);
  }

  /** An identity's enrolled faces (id, source, photo sha256), oldest first. */
  faceIds(ref: string): FaceRecord[] {
    const found = this.#require(ref);
    const rows = this.#db.prepare('SELECT id, source, sha256, created_at FROM faces WHERE identity_id = ? ORDER BY id').all(found.id) as { id: number; source: string | null; sha256: string | null; created_at: number }[];
    return rows.map((r) => ({ id: r.id, source: r.source, sha256: r.sha256, createdAt: new Date(r.created_at).toISOString() }));
  }

  removeFace(ref: string, faceId: number): boolean {
    const found = this.#require(ref);
    const removed = this.#db.prepare('DELETE FROM faces WHERE id = ? AND identity_id = ?').run(faceId, found.id).changes === 1;
    if (removed) this.#changed();
    return removed;
  }

  #require(ref: string): IdentitySummary {
    const found = this.identity(ref);
    if (!found) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${ref}" in the gallery`, { identity: ref });
    return found;
  }

  identity(ref: string): IdentitySummary | null {
    const row = this.#db
      .prepare(`SELECT i.id, i.name, i.external_id, i.metadata, i.created_at,
        (SELECT COUNT(*) FROM faces f WHERE f.identity_id = i.id) AS faces,
        (SELECT COUNT(*) FROM negatives n WHERE n.identity_id = i.id) AS negatives
        FROM identities i WHERE i.id = ? OR i.name = ? OR i.external_id = ?`)
      .get(ref, ref, ref) as { id: string; name: string; external_id: string | null; metadata: string | null; created_at: number; faces: number; negatives: number } | undefined;
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      externalId: row.external_id,
      metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
      faces: row.faces,
      negatives: row.negatives,
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  list(): IdentitySummary[] {
    const ids = this.#db.prepare('SELECT id FROM identities ORDER BY name').all() as { id: string }[];
    return ids.map((r) => this.identity(r.id) as IdentitySummary);
  }

  /** Removes an identity (by id, name or external id) with its faces and negatives; false when there is none. */
  remove(ref: string): boolean {
    const found = this.identity(ref);
    if (!found) return false;
    this.#db.prepare('DELETE FROM identities WHERE id = ?').run(found.id);
    this.#changed();
    return true;
  }

  /** Stores "this face is not `ref`". */
  addNegative(ref: string, embedding: Float32Array, source: string): IdentitySummary {
    const found = this.identity(ref);
    if (!found) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${ref}" in the gallery`, { identity: ref });
    this.#db.prepare('INSERT INTO negatives (identity_id, embedding, source, created_at) VALUES (?, ?, ?, ?)').run(found.id, toBlob(embedding), source, Date.now());
    this.#changed();
    return this.identity(found.id) as IdentitySummary;
  }

  /** Keeps an answered track's aggregate embedding, so an operator can later mark it "not X" or enrol it. */
  recordTrack(trackId: string, camera: string, embedding: Float32Array): void {
    this.#db.prepare('INSERT OR REPLACE INTO tracks (track_id, camera, embedding, created_at) VALUES (?, ?, ?, ?)').run(trackId, camera, toBlob(embedding), Date.now());
    this.#db.prepare('DELETE FROM tracks WHERE track_id IN (SELECT track_id FROM tracks ORDER BY created_at DESC LIMIT -1 OFFSET ?)').run(MAX_TRACKS);
  }

  trackEmbedding(trackId: string): Float32Array | null {
    const row = this.#db.prepare('SELECT embedding FROM tracks WHERE track_id = ?').get(trackId) as { embedding: Buffer } | undefined;
    return row ? fromBlob(row.embedding) : null;
  }

  #changed(): void {
    this.#localChanges += 1;
    this.#reload();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
