import { join } from 'node:path';
import type { CloudEvent } from '../events';
import { VigilError } from '../errors';
import { openDatabase, writeTransaction, type Database } from '../storage';
import { APPEARANCE_TYPES, packVector, recordOf, unpackVector } from './event-record';
import { HISTORY_SCHEMA } from './schema';

/** One event to store, as the bus published it, with its track's embedding when it is a face answer. */
export interface StoredInput {
  readonly event: CloudEvent;
  readonly json: string;
  readonly embedding?: { readonly vector: Float32Array; readonly model: string } | undefined;
}

/** A stored event as the store hands it back: its row id, its columns and its JSON as published. */
export interface StoredEvent {
  readonly row: number;
  readonly eventId: string;
  readonly type: string;
  readonly camera: string;
  readonly time: number;
  readonly trackId: string | null;
  readonly json: string;
}

export interface HistoryUsage {
  readonly events: number;
  /** Pages of history.db in use (its file may be larger: freed pages are reused, not returned). */
  readonly databaseBytes: number;
  /** Snapshot files the stored events reference. */
  readonly snapshotBytes: number;
}

/**
 * history.db under the data directory: its own file beside control.db, so that the history's
 * batched inserts and retention deletes never hold control.db's write lock. WAL, synchronous
 * NORMAL (a power cut may lose the last moments of history, never corrupt it; control writes stay
 * FULL). Every write is a batch in one transaction, made by the sink off the event's own turn.
 */
export class HistoryStore {
  readonly path: string;
  readonly db: Database.Database;
  readonly #insertEvent: Database.Statement;
  readonly #insertAppearance: Database.Statement;
  readonly #insertRef: Database.Statement;
  readonly #insertSnapshot: Database.Statement;
  readonly #hasSnapshot: Database.Statement;
  readonly #byEventId: Database.Statement;
  readonly #byRows: Database.Statement;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.#insertEvent = db.prepare(`INSERT OR IGNORE INTO events (event_id, type, camera, time, identity_id, identity_name, track_id, run, sequence, json)
      VALUES (@eventId, @type, @camera, @time, @identityId, @identityName, @trackId, @run, @sequence, @json)`);
    this.#insertAppearance = db.prepare('INSERT OR REPLACE INTO appearances (id, model, vector) VALUES (?, ?, ?)');
    this.#insertRef = db.prepare('INSERT OR IGNORE INTO snapshot_refs (event_row, snapshot_id) VALUES (?, ?)');
    this.#insertSnapshot = db.prepare('INSERT OR IGNORE INTO snapshot_files (id, bytes) VALUES (?, ?)');
    this.#hasSnapshot = db.prepare('SELECT 1 FROM snapshot_files WHERE id = ?').pluck();
    this.#byEventId = db.prepare('SELECT id AS row, event_id AS eventId, type, camera, time, track_id AS trackId, json FROM events WHERE event_id = ?');
    this.#byRows = db.prepare('SELECT id AS row, event_id AS eventId, type, camera, time, track_id AS trackId, json FROM events WHERE id IN (SELECT value FROM json_each(?))');
  }

  static open(dataDir: string): HistoryStore {
    const path = join(dataDir, 'history.db');
    try {
      const db = openDatabase(path, { synchronous: 'NORMAL' });
      db.exec(HISTORY_SCHEMA);
      return new HistoryStore(path, db);
    } catch (error) {
      throw new VigilError('VIGIL_ERR_HISTORY_UNAVAILABLE', `cannot open the event history ${path}: ${(error as Error).message}`, { path });
    }
  }

  /**
   * Stores events in one transaction: their columns, the embedding of face answers, and which
   * snapshot files they reference (with the files' sizes, from `snapshotBytes`, for retention).
   * An event already stored (same id) is skipped.
   */
  insert(inputs: readonly StoredInput[], snapshotBytes: (id: string) => number | null): number {
    let stored = 0;
    writeTransaction(this.db, () => {
      for (const { event, json, embedding } of inputs) {
        const record = recordOf(event);
        const result = this.#insertEvent.run({ ...record, json });
        if (result.changes === 0) continue;
        stored++;
        const row = Number(result.lastInsertRowid);
        if (embedding && APPEARANCE_TYPES.has(record.type)) this.#insertAppearance.run(row, embedding.model, packVector(embedding.vector));
        for (const id of record.snapshotIds) {
          this.#insertRef.run(row, id);
          if (this.#hasSnapshot.get(id)) continue;
          const bytes = snapshotBytes(id);
          if (bytes !== null) this.#insertSnapshot.run(id, bytes);
        }
      }
    });
    return stored;
  }

  event(eventId: string): StoredEvent | null {
    return (this.#byEventId.get(eventId) as StoredEvent | undefined) ?? null;
  }

  /** The stored events with these row ids (any order). */
  rows(rows: readonly number[]): StoredEvent[] {
    if (rows.length === 0) return [];
    return this.#byRows.all(JSON.stringify(rows)) as StoredEvent[];
  }

  /** The stored embedding of a face answer, by event id (null when the event is not stored or has none). */
  appearance(eventId: string): { vector: Float32Array; model: string } | null {
    const row = this.db.prepare('SELECT a.model, a.vector FROM events e JOIN appearances a ON a.id = e.id WHERE e.event_id = ?').get(eventId) as { model: string; vector: Buffer } | undefined;
    return row ? { model: row.model, vector: unpackVector(row.vector) } : null;
  }

  /** Stored appearances made by `model` (the ones face search can find). */
  appearanceCount(model: string): number {
    return this.db.prepare('SELECT count(*) FROM appearances WHERE model = ?').pluck().get(model) as number;
  }

  /** Where and when an identity was last seen (its newest stored event naming it), or null. */
  lastSeen(identityId: string): { time: string; camera: string; eventId: string } | null {
    const row = this.db.prepare('SELECT event_id, camera, time FROM events INDEXED BY events_by_identity WHERE identity_id = ? ORDER BY time DESC, id DESC LIMIT 1').get(identityId) as { event_id: string; camera: string; time: number } | undefined;
    return row ? { time: new Date(row.time).toISOString(), camera: row.camera, eventId: row.event_id } : null;
  }

  usage(): HistoryUsage {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const snapshotBytes = Number(this.db.prepare("SELECT value FROM history_meta WHERE key = 'snapshot_bytes'").pluck().get());
    const events = Number(this.db.prepare("SELECT value FROM history_meta WHERE key = 'events'").pluck().get());
    return { events, databaseBytes: (pages - free) * pageSize, snapshotBytes };
  }

  /** The store's random id (an index file made from another history.db is never loaded). */
  storeId(): string {
    return String(this.db.prepare("SELECT value FROM history_meta WHERE key = 'store_id'").pluck().get());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
