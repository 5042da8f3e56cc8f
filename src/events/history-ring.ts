/**
 * The last events of this run, bounded by count and by bytes, for clients that reconnect and
 * resume from the last sequence they saw. Pure (no I/O, no clock); entries come in increasing
 * sequence order without holes.
 */
export interface HistoryEntry<E> {
  readonly sequence: number;
  readonly bytes: number;
  readonly item: E;
}

export type ResumeResult<E> =
  /** Everything after `since` is still here (possibly nothing). */
  | { readonly complete: true; readonly entries: readonly HistoryEntry<E>[] }
  /** Sequences from..to (inclusive) are gone; `entries` is what is left after them. */
  | { readonly complete: false; readonly from: number; readonly to: number; readonly entries: readonly HistoryEntry<E>[] };

export class HistoryRing<E> {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #slots: (HistoryEntry<E> | undefined)[];
  #head = 0; // index of the oldest entry
  #count = 0;
  #bytes = 0;

  constructor(maxEntries: number, maxBytes: number) {
    if (maxEntries < 1 || maxBytes < 1) throw new RangeError('history bounds must be positive');
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#slots = new Array<HistoryEntry<E> | undefined>(maxEntries);
  }

  get size(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Sequence of the oldest entry still held, or null when empty. */
  get oldest(): number | null {
    return this.#count === 0 ? null : (this.#slots[this.#head] as HistoryEntry<E>).sequence;
  }

  get newest(): number | null {
    return this.#count === 0 ? null : (this.#slots[(this.#head + this.#count - 1) % this.#maxEntries] as HistoryEntry<E>).sequence;
  }

  push(sequence: number, bytes: number, item: E): void {
    const newest = this.newest;
    if (newest !== null && sequence <= newest) throw new RangeError(`sequence ${sequence} after ${newest}`);
    while (this.#count > 0 && (this.#count >= this.#maxEntries || this.#bytes + bytes > this.#maxBytes)) this.#evict();
    // An entry larger than the whole byte budget is not kept; the gap report covers it.
    if (bytes > this.#maxBytes) return;
    this.#slots[(this.#head + this.#count) % this.#maxEntries] = { sequence, bytes, item };
    this.#count++;
    this.#bytes += bytes;
  }

  /**
   * What a client that last saw `since` (and `latest` is the newest sequence handed out so far)
   * has missed: the entries after it, and the range of sequences no longer held, if any.
   */
  since(since: number, latest: number): ResumeResult<E> {
    const entries: HistoryEntry<E>[] = [];
    for (let i = 0; i < this.#count; i++) {
      const entry = this.#slots[(this.#head + i) % this.#maxEntries] as HistoryEntry<E>;
      if (entry.sequence > since) entries.push(entry);
    }
    const firstHeld = entries[0]?.sequence ?? latest + 1;
    if (since >= latest || firstHeld === since + 1) return { complete: true, entries };
    return { complete: false, from: since + 1, to: firstHeld - 1, entries };
  }

  #evict(): void {
    const entry = this.#slots[this.#head] as HistoryEntry<E>;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#maxEntries;
    this.#count--;
    this.#bytes -= entry.bytes;
  }
}
