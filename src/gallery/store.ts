import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { VigilError } from '../errors';
import { openDatabase, writeTransaction, type Database } from '../storage';
import { GALLERY_SCHEMA, migrateGallery } from './schema';
import type { Logger } from 'pino';
import { gallerySearchFor, type GallerySearch, type GallerySearchSettings, type GallerySearchStats } from './search-client';
import { InlineSearch } from './inline-search';
import { checkIdentityText } from './identity-text';
import type { Candidate, Identity } from './search';
import { GalleryMedia } from './face-media';
import { TrackRecords } from './track-records';

/** The `recognition.gallerySearch` config section: what the gateway asks of the search. */
export type GallerySearchConfig = Omit<GallerySearchSettings, 'dbPath' | 'buildThreads'> & { readonly buildThreads?: number | undefined };


/** One enrolled face: its embedding, where it came from, and the sha256 of the photo (when from a photo). */
export interface FaceInput {
  readonly embedding: Float32Array;
  readonly source: string;
  readonly sha256?: string | undefined;
  /** The aligned 112x112 RGB24 crop the embedding was made from (re-embedding needs it). */
  readonly crop?: Uint8Array | undefined;
  /** sha256 of the embedding model that made it. */
  readonly model?: string | undefined;
}

export interface FaceRecord {
  readonly id: number;
  readonly source: string | null;
  readonly sha256: string | null;
  readonly createdAt: string;
  readonly model: string | null;
  readonly hasCrop: boolean;
}

/** An identity as replicated between gateways (embeddings base64 of little-endian float32). */
export interface IdentityRecord {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly metadata: Record<string, unknown> | null;
  readonly createdAt: number;
  readonly faces: readonly { readonly id: number; readonly embedding: string; readonly source: string | null; readonly createdAt: number }[];
  readonly negatives: readonly { readonly id: number; readonly embedding: string; readonly source: string | null; readonly createdAt: number }[];
}

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
 * directory). WAL mode lets the CLI write while a gateway reads. Opened with `search` options (the
 * gateway), it also runs the search worker (`GallerySearch`), which keeps the face index in step
 * with the database through its change log; without (the CLI), it is the store alone. The gateway
 * calls `refreshIfChanged()` periodically, which tells whether another connection committed
 * (PRAGMA data_version) and has the worker catch up at once.
 */
export class Gallery {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #search: GallerySearch | null;
  /** Crops, models, negatives, re-embedding (face-media.ts). */
  readonly media: GalleryMedia;
  /** Small galleries in `auto` are searched on this thread (see InlineSearch). */
  readonly #inline: InlineSearch | null;
  /** Answered tracks, written in batches (track-records.ts). */
  readonly #tracks: TrackRecords;
  #size = 0;
  /** Our own writes, ever: data_version does not move for them. */
  #writes = 0;
  #dataVersion = -1;
  #localChanges = 0;

  private constructor(path: string, db: Database.Database, search: GallerySearch | null, inlineMaxFaces: number | null, logger: Logger | undefined) {
    this.path = path;
    this.#db = db;
    this.#search = search;
    this.#inline = search && inlineMaxFaces !== null ? new InlineSearch(db, inlineMaxFaces) : null;
    this.media = new GalleryMedia(db, () => this.#changed());
    this.#tracks = new TrackRecords(db, { onError: (error) => logger?.warn({ err: String(error) }, 'answered tracks not written to the gallery yet; trying again with the next') });
  }

  /** With `search` (the gateway) the search worker starts too, logging to `logger`. */
  static open(dataDir: string, options: { search?: GallerySearchConfig; logger?: Logger } = {}): Gallery {
    const path = join(dataDir, 'gallery.db');
    let gallery: Gallery;
    try {
      // Face embeddings are biometric data: the file is private like control.db.
      const db = openDatabase(path, { synchronous: 'FULL', foreignKeys: true });
      db.exec(GALLERY_SCHEMA);
      migrateGallery(db);
      const search = options.search;
      gallery = new Gallery(path, db, search ? gallerySearchFor(path, search, options.logger) : null, search?.mode === 'auto' ? search.exactMaxFaces : null, options.logger);
      gallery.#readSize();
    } catch (error) {
      throw new VigilError('VIGIL_ERR_GALLERY_UNAVAILABLE', `cannot open the gallery ${path}: ${(error as Error).message}`, { path });
    }
    void gallery.#search?.start();
    return gallery;
  }

  /** Identities in the gallery (counted by a trigger, so reading it costs nothing at any size). */
  get size(): number {
    return this.#size;
  }

  /** Where the next search runs: `inline` (exact, this thread: a small gallery in `auto`) or `worker`; null without search. */
  get searchPath(): 'inline' | 'worker' | null {
    if (!this.#search) return null;
    return this.#inline?.serves(this.#writes) ? 'inline' : 'worker';
  }

  /** The search worker's state (null without search: the CLI). */
  get searchState(): GallerySearch['state'] | null {
    return this.#search?.state ?? null;
  }

  /** What the search worker's index holds and how it came to be (after it is ready). */
  async searchStats(): Promise<GallerySearchStats> {
    if (!this.#search) throw new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', 'this gallery was opened without search');
    return this.#search.stats();
  }

  /** Whether the database changed since the last call (another connection's commit or our own write); the search worker is told to catch up. */
  refreshIfChanged(): boolean {
    const version = this.#db.pragma('data_version', { simple: true }) as number;
    // data_version only moves for other connections' commits; our own writes bump #localChanges.
    if (version === this.#dataVersion && this.#localChanges === 0) return false;
    this.#readSize();
    this.#search?.sync();
    return true;
  }

  #readSize(): void {
    this.#size = Number(this.#db.prepare("SELECT value FROM gallery_meta WHERE key = 'identities'").pluck().get());
    this.#dataVersion = this.#db.pragma('data_version', { simple: true }) as number;
    this.#localChanges = 0;
  }

  /**
   * The k identities most similar to `query`, best first (see `topK`): on this thread for a small
   * gallery, else by the search worker off the event loop. Either sees every write committed
   * before the call.
   */
  async search(query: Float32Array, k = 5): Promise<Candidate[]> {
    if (!this.#search) throw new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', 'this gallery was opened without search');
    if (this.#inline?.serves(this.#writes)) return this.#inline.search(query, k);
    return this.#search.search(query, k);
  }

  /** Adds faces to the identity called `name`, creating it if needed. */
  enroll(name: string, embeddings: readonly FaceInput[], options: { externalId?: string; metadata?: Record<string, unknown> } = {}): Identity {
    checkIdentityText({ name, ...options });
    const now = Date.now();
    const id = writeTransaction(this.#db, () => {
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
      for (const e of embeddings) this.#insertFace(row.id, e, now);
      return row.id;
    });
    this.#changed();
    return this.identity(id) as Identity;
  }

  /** Creates a new identity with its faces in one transaction; VIGIL_ERR_IDENTITY_EXISTS when the name is taken. */
  create(name: string, embeddings: readonly FaceInput[], options: { externalId?: string; metadata?: Record<string, unknown> } = {}): IdentitySummary {
    checkIdentityText({ name, ...options });
    const id = randomUUID();
    const now = Date.now();
    writeTransaction(this.#db, () => {
      if (this.#db.prepare('SELECT 1 FROM identities WHERE name = ?').get(name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${name}" exists`, { name });
      this.#db
        .prepare('INSERT INTO identities (id, name, external_id, metadata, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, name, options.externalId ?? null, options.metadata ? JSON.stringify(options.metadata) : null, now);
      for (const e of embeddings) this.#insertFace(id, e, now);
    });
    this.#changed();
    return this.identity(id) as IdentitySummary;
  }

  /** Changes name, external id or metadata (null clears); VIGIL_ERR_IDENTITY_EXISTS when renaming onto another's name. */
  update(ref: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentitySummary {
    checkIdentityText(patch);
    const found = this.#require(ref);
    writeTransaction(this.#db, () => {
      if (patch.name !== undefined && patch.name !== found.name) {
        if (this.#db.prepare('SELECT 1 FROM identities WHERE name = ?').get(patch.name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${patch.name}" exists`, { name: patch.name });
        this.#db.prepare('UPDATE identities SET name = ? WHERE id = ?').run(patch.name, found.id);
      }
      if (patch.externalId !== undefined) this.#db.prepare('UPDATE identities SET external_id = ? WHERE id = ?').run(patch.externalId, found.id);
      if (patch.metadata !== undefined) this.#db.prepare('UPDATE identities SET metadata = ? WHERE id = ?').run(patch.metadata ? JSON.stringify(patch.metadata) : null, found.id);
    });
    this.#changed();
    return this.identity(found.id) as IdentitySummary;
  }

  /** Adds one face to an existing identity; returns the face id. */
  addFace(ref: string, embedding: Float32Array, source: string, sha256?: string, extra: Pick<FaceInput, 'crop' | 'model'> = {}): number {
    const found = this.#require(ref);
    const id = writeTransaction(this.#db, () => this.#insertFace(found.id, { embedding, source, sha256, ...extra }, Date.now()));
    this.#changed();
    return id;
  }

  #insertFace(identityId: string, face: FaceInput, now: number): number {
    const result = this.#db
      .prepare('INSERT INTO faces (identity_id, embedding, source, sha256, model, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(identityId, toBlob(face.embedding), face.source, face.sha256 ?? null, face.model ?? null, now);
    const id = Number(result.lastInsertRowid);
    if (face.crop) this.media.putCrop('face', id, face.crop);
    return id;
  }

  /** The ids of an identity's enrolled faces, oldest first. */
  faceIds(ref: string): FaceRecord[] {
    const found = this.#require(ref);
    const rows = this.#db
      .prepare('SELECT f.id, f.source, f.sha256, f.model, f.created_at, c.face_id IS NOT NULL AS has_crop FROM faces f LEFT JOIN face_crops c ON c.face_id = f.id WHERE f.identity_id = ? ORDER BY f.id')
      .all(found.id) as { id: number; source: string | null; sha256: string | null; model: string | null; created_at: number; has_crop: number }[];
    return rows.map((r) => ({ id: r.id, source: r.source, sha256: r.sha256, createdAt: new Date(r.created_at).toISOString(), model: r.model, hasCrop: r.has_crop === 1 }));
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

  /** Stores "this face is not `ref`" (with the crop and model it was embedded from, when known). */
  addNegative(ref: string, embedding: Float32Array, source: string, extra: Pick<FaceInput, 'crop' | 'model'> = {}): IdentitySummary {
    const found = this.identity(ref);
    if (!found) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${ref}" in the gallery`, { identity: ref });
    writeTransaction(this.#db, () => {
      const result = this.#db.prepare('INSERT INTO negatives (identity_id, embedding, source, model, created_at) VALUES (?, ?, ?, ?, ?)').run(found.id, toBlob(embedding), source, extra.model ?? null, Date.now());
      if (extra.crop) this.media.putCrop('negative', Number(result.lastInsertRowid), extra.crop);
    });
    this.#changed();
    return this.identity(found.id) as IdentitySummary;
  }

  /**
   * Keeps an answered track's aggregate embedding (and the aligned crop of its best view), so an
   * operator can later mark it "not X" or enrol it. Written with the others answered within
   * TRACK_FLUSH_MS; reads through this gallery see it at once.
   */
  recordTrack(trackId: string, camera: string, embedding: Float32Array, crop?: Uint8Array): void {
    this.#tracks.record(trackId, camera, embedding, crop);
  }

  /** Writes the answered tracks still waiting (close does it too). */
  flushTracks(): void {
    this.#tracks.flush();
  }

  trackEmbedding(trackId: string): Float32Array | null {
    this.#tracks.flush();
    const row = this.#db.prepare('SELECT embedding FROM tracks WHERE track_id = ?').get(trackId) as { embedding: Buffer } | undefined;
    return row ? fromBlob(row.embedding) : null;
  }

  /** The aligned crop kept with an answered track (the newest tracks' only), or null. */
  trackCrop(trackId: string): Uint8Array | null {
    this.#tracks.flush();
    return this.media.trackCrop(trackId);
  }

  /**
   * One identity with everything that defines it, for replication (cluster mode): what another
   * gateway's `applyIdentity` needs to hold the same identity, faces and negatives, ids included.
   */
  exportIdentity(id: string): IdentityRecord | null {
    const row = this.#db.prepare('SELECT id, name, external_id, metadata, created_at FROM identities WHERE id = ?').get(id) as
      | { id: string; name: string; external_id: string | null; metadata: string | null; created_at: number }
      | undefined;
    if (!row) return null;
    const rows = (table: 'faces' | 'negatives') =>
      (this.#db.prepare(`SELECT id, embedding, source, created_at FROM ${table} WHERE identity_id = ? ORDER BY id`).all(id) as { id: number; embedding: Buffer; source: string | null; created_at: number }[]).map((r) => ({
        id: r.id,
        embedding: r.embedding.toString('base64'),
        source: r.source,
        createdAt: r.created_at,
      }));
    return { id: row.id, name: row.name, externalId: row.external_id, metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null, createdAt: row.created_at, faces: rows('faces'), negatives: rows('negatives') };
  }

  /**
   * Makes the identity `id` exactly `record` (null: removes it), in one transaction. Another
   * identity holding the same name is removed first: the replicated record wins. Idempotent.
   */
  applyIdentity(id: string, record: IdentityRecord | null): void {
    writeTransaction(this.#db, () => {
      this.#db.prepare('DELETE FROM identities WHERE id = ?').run(id);
      if (!record) return;
      this.#db.prepare('DELETE FROM identities WHERE name = ?').run(record.name);
      this.#db
        .prepare('INSERT INTO identities (id, name, external_id, metadata, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, record.name, record.externalId, record.metadata ? JSON.stringify(record.metadata) : null, record.createdAt);
      for (const table of ['faces', 'negatives'] as const) {
        const insert = this.#db.prepare(`INSERT OR REPLACE INTO ${table} (id, identity_id, embedding, source, created_at) VALUES (?, ?, ?, ?, ?)`);
        for (const f of record[table]) insert.run(f.id, id, Buffer.from(f.embedding, 'base64'), f.source, f.createdAt);
      }
    });
    this.#changed();
  }

  /** Every identity id (to drop the ones a replicated gallery no longer holds). */
  identityIds(): string[] {
    return (this.#db.prepare('SELECT id FROM identities').all() as { id: string }[]).map((r) => r.id);
  }

  #changed(): void {
    this.#localChanges += 1;
    this.#writes += 1;
    this.#size = Number(this.#db.prepare("SELECT value FROM gallery_meta WHERE key = 'identities'").pluck().get());
  }

  /** Ends the search worker (it saves its index file when worth keeping, within `timeoutMs`) and closes the database. */
  close(timeoutMs = 10_000): Promise<void> {
    const closeDb = (): void => {
      if (!this.#db.open) return;
      this.#tracks.flush();
      this.#db.close();
    };
    // Without search (the CLI) the database closes before this returns, as it always did.
    if (!this.#search) return Promise.resolve(closeDb());
    return this.#search.close(timeoutMs).finally(closeDb);
  }

  /** Closes at once: the search worker is terminated without saving. */
  destroy(): void {
    this.#search?.destroy();
    if (!this.#db.open) return;
    // Nothing accepted is lost: the waiting tracks are one quick transaction.
    this.#tracks.flush();
    this.#db.close();
  }
}
