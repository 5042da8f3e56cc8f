import type Database from 'better-sqlite3';
import { writeTransaction } from '../storage';

export type EmbeddingKind = 'face' | 'negative';

/** A "not this person" example as operators see it. */
export interface NegativeRecord {
  readonly id: number;
  readonly source: string | null;
  readonly model: string | null;
  readonly hasCrop: boolean;
  readonly createdAt: string;
}

/** An enrolled face or negative whose embedding was made by another model than the one in use. */
export interface StaleEmbedding {
  readonly kind: EmbeddingKind;
  readonly id: number;
  readonly identityId: string;
  readonly identityName: string;
  readonly source: string | null;
  readonly model: string;
  /** The aligned crop to re-embed it from, or null (it cannot be re-embedded). */
  readonly crop: Uint8Array | null;
}

/** Track crops kept at most (each 37 KB); embeddings of more tracks are kept (store.ts). */
export const MAX_TRACK_CROPS = 1000;
/** Deletes all but the newest `?` track crops (walks track_crops_by_time, see schema.ts). */
export const TRIM_TRACK_CROPS = 'DELETE FROM track_crops WHERE track_id IN (SELECT track_id FROM track_crops ORDER BY created_at DESC LIMIT -1 OFFSET ?)';

const TABLES: Record<EmbeddingKind, { table: string; crops: string; key: string }> = {
  face: { table: 'faces', crops: 'face_crops', key: 'face_id' },
  negative: { table: 'negatives', crops: 'negative_crops', key: 'negative_id' },
};

function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/**
 * What the gallery keeps beside each embedding: the aligned crop it was made from and the model
 * (sha256) that made it; the "not this person" examples as a list; and what a change of embedding
 * model needs (which embeddings are stale, re-embedding them). On gallery.db's connection.
 */
export class GalleryMedia {
  readonly #db: Database.Database;
  readonly #changed: () => void;

  constructor(db: Database.Database, changed: () => void) {
    this.#db = db;
    this.#changed = changed;
  }

  putCrop(kind: EmbeddingKind, id: number, crop: Uint8Array): void {
    const t = TABLES[kind];
    this.#db.prepare(`INSERT OR REPLACE INTO ${t.crops} (${t.key}, crop) VALUES (?, ?)`).run(id, Buffer.from(crop.buffer, crop.byteOffset, crop.byteLength));
  }

  /** The crop of an identity's face or negative (null when there is none, or it is another identity's). */
  crop(kind: EmbeddingKind, identityId: string, id: number): Uint8Array | null {
    const t = TABLES[kind];
    const row = this.#db.prepare(`SELECT c.crop FROM ${t.crops} c JOIN ${t.table} x ON x.id = c.${t.key} WHERE c.${t.key} = ? AND x.identity_id = ?`).get(id, identityId) as { crop: Buffer } | undefined;
    return row ? new Uint8Array(row.crop) : null;
  }

  trackCrop(trackId: string): Uint8Array | null {
    const row = this.#db.prepare('SELECT crop FROM track_crops WHERE track_id = ?').get(trackId) as { crop: Buffer } | undefined;
    return row ? new Uint8Array(row.crop) : null;
  }

  negatives(identityId: string): NegativeRecord[] {
    const rows = this.#db
      .prepare('SELECT n.id, n.source, n.model, n.created_at, c.negative_id IS NOT NULL AS has_crop FROM negatives n LEFT JOIN negative_crops c ON c.negative_id = n.id WHERE n.identity_id = ? ORDER BY n.id')
      .all(identityId) as { id: number; source: string | null; model: string | null; created_at: number; has_crop: number }[];
    return rows.map((r) => ({ id: r.id, source: r.source, model: r.model, hasCrop: r.has_crop === 1, createdAt: new Date(r.created_at).toISOString() }));
  }

  removeNegative(identityId: string, negativeId: number): boolean {
    const removed = this.#db.prepare('DELETE FROM negatives WHERE id = ? AND identity_id = ?').run(negativeId, identityId).changes === 1;
    if (removed) this.#changed();
    return removed;
  }

  /**
   * Faces and negatives with no recorded model are stamped with the model the gallery was last
   * used with (gallery_meta.embedding_model), or with `model` when none was ever recorded (the
   * first start of a version that records them: the gallery was made with the model in use).
   */
  adoptModel(model: string): number {
    let adopted = 0;
    writeTransaction(this.#db, () => {
      const recorded = this.#db.prepare("SELECT value FROM gallery_meta WHERE key = 'embedding_model'").pluck().get() as string | undefined;
      for (const kind of ['face', 'negative'] as const) adopted += this.#db.prepare(`UPDATE ${TABLES[kind].table} SET model = ? WHERE model IS NULL`).run(recorded ?? model).changes;
    });
    return adopted;
  }

  /** The model the gallery's embeddings are now made by (read by adoptModel at the next start). */
  recordModel(model: string): void {
    this.#db.prepare("INSERT INTO gallery_meta (key, value) VALUES ('embedding_model', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(model);
  }

  /** A stored embedding as it is (tests and diagnostics). */
  embeddingOf(kind: EmbeddingKind, id: number): Float32Array | null {
    const row = this.#db.prepare(`SELECT embedding FROM ${TABLES[kind].table} WHERE id = ?`).get(id) as { embedding: Buffer } | undefined;
    if (!row) return null;
    const out = new Float32Array(row.embedding.byteLength / 4);
    new Uint8Array(out.buffer).set(row.embedding);
    return out;
  }

  /** Every face and negative embedded by another model than `model` (or by an unrecorded one), with its crop when stored. */
  stale(model: string): StaleEmbedding[] {
    const out: StaleEmbedding[] = [];
    for (const kind of ['face', 'negative'] as const) {
      const t = TABLES[kind];
      const rows = this.#db
        .prepare(`SELECT x.id, x.identity_id, i.name, x.source, x.model, c.crop FROM ${t.table} x JOIN identities i ON i.id = x.identity_id
          LEFT JOIN ${t.crops} c ON c.${t.key} = x.id WHERE x.model IS NULL OR x.model <> ? ORDER BY x.id`)
        .all(model) as { id: number; identity_id: string; name: string; source: string | null; model: string | null; crop: Buffer | null }[];
      for (const r of rows) out.push({ kind, id: r.id, identityId: r.identity_id, identityName: r.name, source: r.source, model: r.model ?? 'unrecorded', crop: r.crop ? new Uint8Array(r.crop) : null });
    }
    return out;
  }

  /** New embeddings (by `model`) for stale faces and negatives, in one transaction: the gallery switches models all at once. */
  replaceEmbeddings(updates: readonly { kind: EmbeddingKind; id: number; embedding: Float32Array }[], model: string): void {
    writeTransaction(this.#db, () => {
      for (const u of updates) this.#db.prepare(`UPDATE ${TABLES[u.kind].table} SET embedding = ?, model = ? WHERE id = ?`).run(toBlob(u.embedding), model, u.id);
      this.recordModel(model);
    });
    if (updates.length > 0) this.#changed();
  }
}
