import type Database from 'better-sqlite3';
import type { Identity } from '../../src/gallery/search';
import { SqliteReader } from '../vector-index/sqlite-reader';
import type { ChangeWindow, RowChange, VectorRow, VectorSource } from '../vector-index/vector-source';
import type { FaceOwners } from './face-owners';

export type FaceRow = VectorRow;

/** Views a BLOB as float32 without copying when it is aligned (SQLite's buffers usually are). */
function floats(blob: Buffer): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}

/**
 * The search worker's own read-only connection to gallery.db (WAL lets it read while the gateway
 * and the CLI write). Everything the index needs from the database, as prepared statements: the
 * faces table as a VectorSource, the candidates' negatives and the answer's identity. Every face
 * row the index reads (or drops) also records (or forgets) whose face it is in `owners`.
 */
export class GalleryReader extends SqliteReader implements VectorSource {
  readonly #owners: FaceOwners;
  readonly #window: Database.Statement;
  readonly #counter: Database.Statement;
  readonly #changes: Database.Statement;
  readonly #facesById: Database.Statement;
  readonly #allFaces: Database.Statement;
  readonly #warm: Database.Statement[];
  readonly #negatives: Database.Statement;
  readonly #allOwners: Database.Statement;
  readonly #identity: Database.Statement;
  readonly #galleryId: Database.Statement;
  readonly #faceCount: Database.Statement;

  constructor(path: string, owners: FaceOwners) {
    super(path);
    this.#owners = owners;
    this.#window = this.db.prepare('SELECT min(seq) AS oldest, max(seq) AS newest FROM gallery_changes');
    this.#counter = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'gallery_changes'").pluck();
    this.#changes = this.db.prepare('SELECT seq, face_id AS rowId, added FROM gallery_changes WHERE seq > ? ORDER BY seq');
    this.#facesById = this.db.prepare('SELECT id, identity_id AS identityId, embedding FROM faces WHERE id IN (SELECT value FROM json_each(?))');
    this.#allFaces = this.db.prepare('SELECT id, identity_id AS identityId, embedding FROM faces ORDER BY id');
    // Answered from the faces_by_identity index alone (a few bytes a face), not the ~4 KB face rows.
    this.#allOwners = this.db.prepare('SELECT id, identity_id AS identityId FROM faces');
    this.#negatives = this.db.prepare('SELECT identity_id AS identityId, embedding FROM negatives WHERE identity_id IN (SELECT value FROM json_each(?))');
    this.#identity = this.db.prepare('SELECT id, name, external_id, metadata FROM identities WHERE id = ?');
    this.#galleryId = this.db.prepare("SELECT value FROM gallery_meta WHERE key = 'gallery_id'").pluck();
    this.#faceCount = this.db.prepare('SELECT count(*) FROM faces').pluck();
    // What a search reads besides the index: the identities' id index and rows, the negatives' index.
    this.#warm = [
      "SELECT count(*) FROM identities WHERE id >= ''",
      'SELECT sum(length(name) + ifnull(length(external_id), 0) + ifnull(length(metadata), 0)) FROM identities NOT INDEXED',
      "SELECT count(*) FROM negatives WHERE identity_id >= ''",
    ].map((sql) => this.db.prepare(sql).pluck());
  }

  count(): number {
    return this.#faceCount.get() as number;
  }

  /** gallery_meta.gallery_id: an index file made from another gallery is never loaded. */
  storeId(): string {
    return String(this.#galleryId.get());
  }

  changeWindow(): ChangeWindow {
    const row = this.#window.get() as { oldest: number | null; newest: number | null };
    return { ...row, counter: (this.#counter.get() as number | undefined) ?? 0 };
  }

  /** Face changes after `seq`, oldest first. */
  changesSince(seq: number): RowChange[] {
    return this.#changes.all(seq) as RowChange[];
  }

  rowsById(ids: readonly number[]): FaceRow[] {
    const rows = this.#facesById.all(JSON.stringify(ids)) as { id: number; identityId: string; embedding: Buffer }[];
    return rows.map((r) => {
      this.#owners.set(r.id, r.identityId);
      return { id: r.id, embedding: floats(r.embedding) };
    });
  }

  *allRows(): Generator<FaceRow> {
    this.#owners.clear();
    for (const row of this.#allFaces.iterate() as Iterable<{ id: number; identityId: string; embedding: Buffer }>) {
      this.#owners.set(row.id, row.identityId);
      yield { id: row.id, embedding: floats(row.embedding) };
    }
  }

  forget(id: number): void {
    this.#owners.delete(id);
  }

  /** Whose face every face is, from one snapshot: after the index came from its file instead of the rows. */
  readOwners(): void {
    const owners = this.#owners;
    owners.clear();
    for (const row of this.#allOwners.iterate() as Iterable<{ id: number; identityId: string }>) owners.set(row.id, row.identityId);
  }

  /** The negatives ("not this person") of these identities, by identity. */
  negativesOf(identityIds: readonly string[]): Map<string, Float32Array[]> {
    const out = new Map<string, Float32Array[]>();
    if (identityIds.length === 0) return out;
    for (const row of this.#negatives.all(JSON.stringify(identityIds)) as { identityId: string; embedding: Buffer }[]) {
      const list = out.get(row.identityId);
      if (list) list.push(floats(row.embedding));
      else out.set(row.identityId, [floats(row.embedding)]);
    }
    return out;
  }

  /**
   * Reads once what searches read besides the index, so that the first searches after a start do
   * not each wait on the disk for their identity's row: at a million identities these are about
   * 140 MB of gallery.db's 8.4 GB, read in 1.5 s from a cold page cache.
   */
  warm(): void {
    for (const statement of this.#warm) statement.get();
  }

  identity(id: string): Identity | null {
    const row = this.#identity.get(id) as { id: string; name: string; external_id: string | null; metadata: string | null } | undefined;
    if (!row) return null;
    return { id: row.id, name: row.name, externalId: row.external_id, metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null };
  }
}
