import type Database from 'better-sqlite3';
import { writeTransaction } from '../storage';
import { MAX_TRACK_CROPS, TRIM_TRACK_CROPS } from './face-media';

/** Answered tracks kept at most (their embeddings, 2 KB each); the newest are kept. */
export const MAX_TRACKS = 10_000;
/** Deletes all but the newest `?` tracks (walks tracks_by_time, see schema.ts). */
export const TRIM_TRACKS = 'DELETE FROM tracks WHERE track_id IN (SELECT track_id FROM tracks ORDER BY created_at DESC LIMIT -1 OFFSET ?)';
/** How long an answered track waits to be written with the others answered meanwhile. */
export const TRACK_FLUSH_MS = 500;

interface PendingTrack {
  readonly camera: string;
  readonly embedding: Float32Array;
  readonly crop: Uint8Array | undefined;
  readonly at: number;
}

/**
 * Answered tracks, written to gallery.db in batches on the gateway's thread. One track at a time
 * cost each answer a transaction (gallery.db commits with a full sync), two trims that walk 10,000
 * and 1,000 index entries, and now and then a WAL checkpoint: about 1.5 ms on an idle core, with
 * tails of 10-25 ms, and several times that with the cores busy decoding. A batch pays the commit
 * and the trims once. Reads on this connection write what is pending first; another process (the
 * CLI) sees a track at most `flushMs` after its answer.
 */
export class TrackRecords {
  readonly #db: Database.Database;
  readonly #flushMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #pending = new Map<string, PendingTrack>();
  #timer: NodeJS.Timeout | null = null;
  #statements: { track: Database.Statement; crop: Database.Statement; trimTracks: Database.Statement; trimCrops: Database.Statement } | null = null;

  constructor(db: Database.Database, options: { flushMs?: number; onError: (error: unknown) => void }) {
    this.#db = db;
    this.#flushMs = options.flushMs ?? TRACK_FLUSH_MS;
    this.#onError = options.onError;
  }

  record(trackId: string, camera: string, embedding: Float32Array, crop?: Uint8Array): void {
    // A newer answer for the same track replaces the waiting one, as INSERT OR REPLACE would.
    this.#pending.delete(trackId);
    this.#pending.set(trackId, { camera, embedding, crop, at: Date.now() });
    this.#timer ??= setTimeout(() => this.#flushLogged(), this.#flushMs).unref();
  }

  /** Writes every waiting track in one transaction, then trims to the newest. Throws what SQLite throws (the tracks stay waiting). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.size === 0 || !this.#db.open) return;
    const s = (this.#statements ??= {
      track: this.#db.prepare('INSERT OR REPLACE INTO tracks (track_id, camera, embedding, created_at) VALUES (?, ?, ?, ?)'),
      crop: this.#db.prepare('INSERT OR REPLACE INTO track_crops (track_id, crop, created_at) VALUES (?, ?, ?)'),
      trimTracks: this.#db.prepare(TRIM_TRACKS),
      trimCrops: this.#db.prepare(TRIM_TRACK_CROPS),
    });
    writeTransaction(this.#db, () => {
      let crops = 0;
      for (const [trackId, t] of this.#pending) {
        s.track.run(trackId, t.camera, bytesOf(t.embedding), t.at);
        if (t.crop) {
          s.crop.run(trackId, bytesOf(t.crop), t.at);
          crops += 1;
        }
      }
      s.trimTracks.run(MAX_TRACKS);
      if (crops > 0) s.trimCrops.run(MAX_TRACK_CROPS);
    });
    this.#pending.clear();
  }

  #flushLogged(): void {
    try {
      this.flush();
    } catch (error) {
      // Left waiting: the next answer (or close) tries again; bounded so a broken disk cannot grow it.
      if (this.#pending.size > MAX_TRACKS) this.#pending.clear();
      this.#onError(error);
    }
  }
}

function bytesOf(v: Float32Array | Uint8Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
