/** Entries per chunk: 4096 x 24 bytes = 96 KiB; a drained chunk is dropped whole. */
const CHUNK = 4096;
const ID_BYTES = 16;

/** One written snapshot as the log hands it back: its id and when it was written (ms). */
export interface LoggedSnapshot {
  readonly id: string;
  readonly at: number;
}

interface Chunk {
  readonly ids: Uint8Array;
  readonly at: Float64Array;
}

/**
 * The snapshots written, oldest first, in 24 bytes each (the UUID as 16 bytes, the time as a
 * float64) instead of a Map entry keyed by the id string (about 580 bytes measured: Node's
 * `randomUUID` builds the string by concatenating 20 pieces, and a kept one keeps them all). With
 * the history on, the snapshot folder is bounded only by the history's age and size, so this holds
 * every file its events keep: a 10 GiB history of ~17 KB snapshots is ~630,000 entries, 15 MB here
 * against ~370 MB before.
 * Pure (no I/O).
 */
export class SnapshotLog {
  readonly #chunks: Chunk[] = [];
  /** Index of the oldest entry in the first chunk, and of the next free one in the last. */
  #head = 0;
  #tail = CHUNK;

  get size(): number {
    return this.#chunks.length === 0 ? 0 : this.#chunks.length * CHUNK - this.#head - (CHUNK - this.#tail);
  }

  /** Appends a snapshot (ids must be UUIDs; the caller checked). */
  push(id: string, at: number): void {
    if (this.#tail === CHUNK) {
      this.#chunks.push({ ids: new Uint8Array(CHUNK * ID_BYTES), at: new Float64Array(CHUNK) });
      this.#tail = 0;
    }
    const chunk = this.#chunks[this.#chunks.length - 1] as Chunk;
    chunk.ids.set(Buffer.from(id.replace(/-/g, ''), 'hex'), this.#tail * ID_BYTES);
    chunk.at[this.#tail] = at;
    this.#tail += 1;
  }

  /** The oldest entry, or null when empty. */
  oldest(): LoggedSnapshot | null {
    if (this.size === 0) return null;
    const chunk = this.#chunks[0] as Chunk;
    const hex = Buffer.from(chunk.ids.buffer, chunk.ids.byteOffset + this.#head * ID_BYTES, ID_BYTES).toString('hex');
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { id, at: chunk.at[this.#head] as number };
  }

  /** Drops the oldest entry. */
  shift(): void {
    if (this.size === 0) return;
    this.#head += 1;
    if (this.#head === CHUNK || this.size === 0) {
      this.#chunks.shift();
      this.#head = 0;
      if (this.#chunks.length === 0) this.#tail = CHUNK;
    }
  }
}
