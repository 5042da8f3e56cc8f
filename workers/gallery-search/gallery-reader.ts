import Database from 'better-sqlite3';
import type { Identity } from '../../src/gallery/search';

export interface FaceRow {
  readonly id: number;
  readonly embedding: Float32Array;
}

/** An embedding of one candidate identity: an enrolled face, or a negative ("not this person"). */
export interface CandidateRow {
  readonly identityId: string;
  readonly embedding: Float32Array;
  readonly negative: boolean;
}

export interface ChangeWindow {
  /** Oldest and newest change still in the log (null when it is empty). */
  readonly oldest: number | null;
  readonly newest: number | null;
  /** The highest change number ever given (the log's AUTOINCREMENT counter; 0 before any). */
  readonly counter: number;
}

/** Views a BLOB as float32 without copying when it is aligned (SQLite's buffers usually are). */
function floats(blob: Buffer): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const copy = new Float32Array(blob.byteLength / 4);
  new Uint8Array(copy.buffer).set(blob);
  return copy;
}

/**
 * The search worker's own read-only connection to gallery.db (WAL lets it read while the gateway
 * and the CLI write). Everything the index needs from the database, as prepared statements.
 */
export class GalleryReader {
  readonly #db: Database.Database;
  readonly #window: Database.Statement;
  readonly #counter: Database.Statement;
  readonly #changes: Database.Statement;
  readonly #facesById: Database.Statement;
  readonly #allFaces: Database.Statement;
  readonly #candidates: Database.Statement;
  readonly #identity: Database.Statement;
  readonly #galleryId: Database.Statement;
  readonly #faceCount: Database.Statement;

  constructor(path: string) {
    this.#db = new Database(path, { readonly: true, fileMustExist: true });
    this.#db.pragma('busy_timeout = 5000');
    this.#window = this.#db.prepare('SELECT min(seq) AS oldest, max(seq) AS newest FROM gallery_changes');
    this.#counter = this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'gallery_changes'").pluck();
    this.#changes = this.#db.prepare('SELECT seq, face_id AS faceId, added FROM gallery_changes WHERE seq > ? ORDER BY seq');
    this.#facesById = this.#db.prepare('SELECT id, embedding FROM faces WHERE id IN (SELECT value FROM json_each(?))');
    this.#allFaces = this.#db.prepare('SELECT id, embedding FROM faces ORDER BY id');
    // Every face and negative of the identities owning the candidate faces: the exact re-rank.
    this.#candidates = this.#db.prepare(`
      WITH c(id) AS (SELECT DISTINCT identity_id FROM faces WHERE id IN (SELECT value FROM json_each(?)))
      SELECT c.id AS identityId, f.embedding, 0 AS negative FROM c JOIN faces f ON f.identity_id = c.id
      UNION ALL
      SELECT c.id, n.embedding, 1 FROM c JOIN negatives n ON n.identity_id = c.id`);
    this.#identity = this.#db.prepare('SELECT id, name, external_id, metadata FROM identities WHERE id = ?');
    this.#galleryId = this.#db.prepare("SELECT value FROM gallery_meta WHERE key = 'gallery_id'").pluck();
    this.#faceCount = this.#db.prepare('SELECT count(*) FROM faces').pluck();
  }

  /** Changes whenever another connection committed (SQLite's PRAGMA data_version). */
  dataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }

  /** Runs `read` in one read transaction: one consistent snapshot however long it takes. */
  snapshot<T>(read: () => T): T {
    return this.#db.transaction(read)();
  }

  /** A read transaction spanning several steps (the build yields between batches); end it with endRead. */
  beginRead(): void {
    this.#db.exec('BEGIN');
  }

  endRead(): void {
    if (this.#db.inTransaction) this.#db.exec('COMMIT');
  }

  faceCount(): number {
    return this.#faceCount.get() as number;
  }

  galleryId(): string {
    return String(this.#galleryId.get());
  }

  changeWindow(): ChangeWindow {
    const row = this.#window.get() as { oldest: number | null; newest: number | null };
    return { ...row, counter: (this.#counter.get() as number | undefined) ?? 0 };
  }

  /** Face changes after `seq`, oldest first. */
  changesSince(seq: number): { seq: number; faceId: number; added: number }[] {
    return this.#changes.all(seq) as { seq: number; faceId: number; added: number }[];
  }

  facesById(ids: readonly number[]): FaceRow[] {
    const rows = this.#facesById.all(JSON.stringify(ids)) as { id: number; embedding: Buffer }[];
    return rows.map((r) => ({ id: r.id, embedding: floats(r.embedding) }));
  }

  *allFaces(): Generator<FaceRow> {
    for (const row of this.#allFaces.iterate() as Iterable<{ id: number; embedding: Buffer }>) yield { id: row.id, embedding: floats(row.embedding) };
  }

  candidateRows(faceIds: readonly number[]): CandidateRow[] {
    const rows = this.#candidates.all(JSON.stringify(faceIds)) as { identityId: string; embedding: Buffer; negative: number }[];
    return rows.map((r) => ({ identityId: r.identityId, embedding: floats(r.embedding), negative: r.negative === 1 }));
  }

  identity(id: string): Identity | null {
    const row = this.#identity.get(id) as { id: string; name: string; external_id: string | null; metadata: string | null } | undefined;
    if (!row) return null;
    return { id: row.id, name: row.name, externalId: row.external_id, metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null };
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
