import type Database from 'better-sqlite3';
import { unpackVector } from '../../src/history/event-record';
import { SqliteReader } from '../vector-index/sqlite-reader';
import type { ChangeWindow, RowChange, VectorRow, VectorSource } from '../vector-index/vector-source';

/** A candidate appearance with what the re-rank and the filters need. */
export interface AppearanceRow {
  readonly id: number;
  readonly vector: Float32Array;
  readonly trackId: string | null;
  readonly camera: string;
  readonly time: number;
}

/**
 * The face search worker's own read-only connection to history.db: the appearances of one
 * embedding model as a VectorSource (its change log is written by triggers, as gallery.db's),
 * and the candidates' stored vectors for the exact re-rank.
 */
export class AppearanceReader extends SqliteReader implements VectorSource {
  readonly #model: string;
  readonly #window: Database.Statement;
  readonly #counter: Database.Statement;
  readonly #changes: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #all: Database.Statement;
  readonly #count: Database.Statement;
  readonly #candidates: Database.Statement;
  readonly #storeId: Database.Statement;

  constructor(path: string, model: string) {
    super(path);
    this.#model = model;
    this.#window = this.db.prepare('SELECT min(seq) AS oldest, max(seq) AS newest FROM appearance_changes');
    this.#counter = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'appearance_changes'").pluck();
    this.#changes = this.db.prepare('SELECT seq, appearance_id AS rowId, added FROM appearance_changes WHERE seq > ? ORDER BY seq');
    this.#byId = this.db.prepare('SELECT id, vector FROM appearances WHERE id IN (SELECT value FROM json_each(?)) AND model = ?');
    this.#all = this.db.prepare('SELECT id, vector FROM appearances WHERE model = ? ORDER BY id');
    this.#count = this.db.prepare('SELECT count(*) FROM appearances WHERE model = ?').pluck();
    this.#candidates = this.db.prepare(`SELECT a.id, a.vector, e.track_id AS trackId, e.camera, e.time FROM appearances a JOIN events e ON e.id = a.id
      WHERE a.id IN (SELECT value FROM json_each(?)) AND a.model = ?`);
    this.#storeId = this.db.prepare("SELECT value FROM history_meta WHERE key = 'store_id'").pluck();
  }

  count(): number {
    return this.#count.get(this.#model) as number;
  }

  /** The history's id and the model: an index of another model's vectors is never loaded. */
  storeId(): string {
    return `${String(this.#storeId.get())}:${this.#model}`;
  }

  changeWindow(): ChangeWindow {
    const row = this.#window.get() as { oldest: number | null; newest: number | null };
    return { ...row, counter: (this.#counter.get() as number | undefined) ?? 0 };
  }

  changesSince(seq: number): RowChange[] {
    return this.#changes.all(seq) as RowChange[];
  }

  rowsById(ids: readonly number[]): VectorRow[] {
    const rows = this.#byId.all(JSON.stringify(ids), this.#model) as { id: number; vector: Buffer }[];
    return rows.map((r) => ({ id: r.id, embedding: unpackVector(r.vector) }));
  }

  *allRows(): Generator<VectorRow> {
    for (const row of this.#all.iterate(this.#model) as Iterable<{ id: number; vector: Buffer }>) yield { id: row.id, embedding: unpackVector(row.vector) };
  }

  candidates(ids: readonly number[]): AppearanceRow[] {
    const rows = this.#candidates.all(JSON.stringify(ids), this.#model) as { id: number; vector: Buffer; trackId: string | null; camera: string; time: number }[];
    return rows.map((r) => ({ id: r.id, vector: unpackVector(r.vector), trackId: r.trackId, camera: r.camera, time: r.time }));
  }
}
