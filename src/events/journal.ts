import { chmodSync, closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, encodeRecord, parseSegmentName, scanRecords, segmentName } from './journal-record';

export type JournalFullPolicy = 'dropOldest' | 'rejectNew';

export interface JournalOptions {
  readonly dir: string;
  /** Bound on the segment files together. */
  readonly maxBytes: number;
  readonly segmentBytes: number;
  /** 0: fsync after every append; otherwise at most this long between fsyncs. */
  readonly fsyncIntervalMs: number;
  readonly whenFull: JournalFullPolicy;
  /** Records removed unsent: `journal_full` (dropOldest) or `journal_corrupt`. */
  readonly onDropped?: (reason: 'journal_full' | 'journal_corrupt', count: number, detail: string) => void;
}

/** One record read back, with what `ack` needs to move past it. */
export interface JournalEntry {
  readonly index: number;
  readonly acceptedAt: number;
  readonly json: string;
  /** What the writer stored beside the JSON (the event's context attributes), or null. */
  readonly attributes: readonly string[] | null;
  readonly segment: number;
  readonly end: number;
}

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

interface Cursor {
  index: number;
  segment: number;
  offset: number;
}

/**
 * A bounded, append-only on-disk queue of events (write-ahead for the Kafka sink). Records go to
 * the active segment with a synchronous write (in the kernel's page cache when `append` returns, so
 * a crash of the process loses nothing) and are fsynced every `fsyncIntervalMs` (a power or kernel
 * failure loses at most that window). The read cursor (what Kafka has acknowledged) is kept in
 * cursor.json; it is written on the same tick, so a crash replays at most one tick of already
 * delivered events (at-least-once). Fully read segments are deleted. Synchronous on purpose: one
 * small write per event, and no interleaving to reason about.
 */
export class Journal {
  readonly #options: JournalOptions;
  /** Segment base index -> bytes in the file, in increasing order of base. */
  readonly #segments = new Map<number, number>();
  #active = -1;
  #fd = -1;
  #next = 0;
  #cursor: Cursor = { index: 0, segment: 0, offset: 0 };
  #dirty = false;
  #cursorDirty = false;
  #timer: NodeJS.Timeout | null = null;
  #bytes = 0;

  constructor(options: JournalOptions) {
    if (options.segmentBytes * 2 > options.maxBytes) throw new RangeError('journal segmentBytes must be at most half of maxBytes');
    this.#options = options;
  }

  /** Records appended and not yet acknowledged. */
  get pending(): number {
    return this.#next - this.#cursor.index;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Opens the directory, repairs a torn tail and finds the cursor. Returns records waiting from a previous run. */
  open(): number {
    // Events name people: the folder and its files are the gateway user's alone (0700, 0600).
    mkdirSync(this.#options.dir, { recursive: true, mode: DIR_MODE });
    chmodSync(this.#options.dir, DIR_MODE);
    const bases = readdirSync(this.#options.dir)
      .map(parseSegmentName)
      .filter((b): b is number => b !== null)
      .sort((a, b) => a - b);
    for (const base of bases) {
      chmodSync(this.#path(base), FILE_MODE); // segments written by an older version
      this.#segments.set(base, statSync(this.#path(base)).size);
    }
    const last = bases.at(-1);
    if (last === undefined) {
      this.#openActive(0);
    } else {
      const scan = scanRecords(readFileSync(this.#path(last)));
      if (scan.problem !== null && scan.validBytes < (this.#segments.get(last) ?? 0)) {
        const fd = openSync(this.#path(last), 'r+');
        ftruncateSync(fd, scan.validBytes);
        closeSync(fd);
        this.#options.onDropped?.('journal_corrupt', 0, `truncated the last segment at ${scan.validBytes} bytes: ${scan.problem}`);
        this.#segments.set(last, scan.validBytes);
      }
      this.#next = last + scan.count;
      this.#openActive(last);
    }
    this.#cursor = this.#readCursor();
    this.#recount();
    if (this.#options.fsyncIntervalMs > 0) {
      this.#timer = setInterval(() => this.sync(), this.#options.fsyncIntervalMs);
      this.#timer.unref();
    }
    return this.pending;
  }

  /** Appends one event. False when the journal is full and the policy is rejectNew. */
  append(acceptedAt: number, json: string, attributes?: readonly string[]): boolean {
    const record = encodeRecord(acceptedAt, json, attributes);
    if (record.length > this.#options.segmentBytes) return false;
    if (this.#bytes + record.length > this.#options.maxBytes && !this.#makeRoom(record.length)) return false;
    if ((this.#segments.get(this.#active) ?? 0) + record.length > this.#options.segmentBytes) this.#roll();
    writeSync(this.#fd, record);
    this.#segments.set(this.#active, (this.#segments.get(this.#active) ?? 0) + record.length);
    this.#bytes += record.length;
    this.#next++;
    this.#dirty = true;
    if (this.#options.fsyncIntervalMs === 0) this.sync();
    return true;
  }

  /** Up to `max` records (and about `maxBytes`) from the cursor on, in order, all from one segment. */
  peek(max: number, maxBytes: number): JournalEntry[] {
    this.#skipFinishedSegments();
    const { segment, offset } = this.#cursor;
    const size = this.#segments.get(segment) ?? 0;
    if (offset >= size) return [];
    const length = Math.min(size - offset, Math.max(maxBytes, 64 * 1024));
    let buffer = this.#read(segment, offset, length);
    const entries: JournalEntry[] = [];
    let at = 0;
    let index = this.#cursor.index;
    while (entries.length < max && at < buffer.length) {
      const result = decodeRecord(buffer, at);
      if (result.kind === 'incomplete') {
        if (entries.length > 0 || offset + result.need > size) break;
        buffer = this.#read(segment, offset, result.need); // one record larger than the read
        continue;
      }
      if (result.kind === 'corrupt') {
        this.#dropRestOfSegment(segment, `${result.reason} at byte ${offset + at}`);
        break;
      }
      at += result.record.size;
      const { acceptedAt, json, attributes } = result.record;
      entries.push({ index: index++, acceptedAt, json, attributes, segment, end: offset + at });
    }
    return entries;
  }

  /** Kafka has the records up to and including `entry`: move the cursor past it. */
  ack(entry: JournalEntry): void {
    // Records dropped meanwhile (journal full) already moved the cursor further.
    if (entry.index < this.#cursor.index) return;
    this.#cursor = { index: entry.index + 1, segment: entry.segment, offset: entry.end };
    this.#cursorDirty = true;
    this.#skipFinishedSegments();
  }

  /** fsync the active segment and persist the cursor, if either changed. */
  sync(): void {
    if (this.#dirty && this.#fd >= 0) {
      fdatasyncSync(this.#fd);
      this.#dirty = false;
    }
    if (this.#cursorDirty) {
      const path = join(this.#options.dir, 'cursor.json');
      writeFileSync(`${path}.tmp`, JSON.stringify(this.#cursor), { mode: FILE_MODE });
      renameSync(`${path}.tmp`, path);
      this.#cursorDirty = false;
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#fd < 0) return;
    this.sync();
    closeSync(this.#fd);
    this.#fd = -1;
  }

  #path(base: number): string {
    return join(this.#options.dir, segmentName(base));
  }

  #openActive(base: number): void {
    this.#fd = openSync(this.#path(base), 'a', FILE_MODE);
    this.#active = base;
    if (!this.#segments.has(base)) this.#segments.set(base, 0);
  }

  #roll(): void {
    fdatasyncSync(this.#fd);
    closeSync(this.#fd);
    this.#openActive(this.#next);
  }

  #read(segment: number, offset: number, length: number): Buffer {
    const fd = openSync(this.#path(segment), 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      const read = readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  }

  /** dropOldest: deletes the oldest segments until `bytes` fit. rejectNew: false. */
  #makeRoom(bytes: number): boolean {
    if (this.#options.whenFull === 'rejectNew') return false;
    while (this.#bytes + bytes > this.#options.maxBytes) {
      const oldest = this.#segments.keys().next().value as number;
      if (oldest === this.#active) this.#roll();
      const next = [...this.#segments.keys()][1] as number;
      const lost = next - Math.max(oldest, this.#cursor.index);
      if (this.#cursor.segment <= oldest) {
        this.#cursor = { index: next, segment: next, offset: 0 };
        this.#cursorDirty = true;
      }
      this.#deleteSegment(oldest);
      if (lost > 0) this.#options.onDropped?.('journal_full', lost, `deleted segment ${segmentName(oldest)}`);
    }
    return true;
  }

  #dropRestOfSegment(segment: number, detail: string): void {
    const next = [...this.#segments.keys()].find((b) => b > segment);
    if (next === undefined) {
      // The active segment is damaged past this point: start a fresh one and skip to it.
      this.#roll();
      this.#cursor = { index: this.#next, segment: this.#active, offset: 0 };
    } else {
      this.#cursor = { index: next, segment: next, offset: 0 };
    }
    this.#cursorDirty = true;
    this.#options.onDropped?.('journal_corrupt', 0, detail);
  }

  /** Moves the cursor off segments it has read to the end, deleting them (never the active one). */
  #skipFinishedSegments(): void {
    for (;;) {
      const { segment, offset } = this.#cursor;
      if (segment === this.#active || offset < (this.#segments.get(segment) ?? 0)) return;
      const next = [...this.#segments.keys()].find((b) => b > segment);
      if (next === undefined) return;
      this.#deleteSegment(segment);
      this.#cursor = { index: next, segment: next, offset: 0 };
      this.#cursorDirty = true;
    }
  }

  #deleteSegment(base: number): void {
    this.#bytes -= this.#segments.get(base) ?? 0;
    this.#segments.delete(base);
    unlinkSync(this.#path(base));
  }

  #recount(): void {
    // Segments wholly before the cursor were delivered before a crash kept us from deleting them.
    for (const base of [...this.#segments.keys()]) {
      if (base < this.#cursor.segment && base !== this.#active) this.#deleteSegment(base);
    }
    this.#bytes = [...this.#segments.values()].reduce((a, b) => a + b, 0);
  }

  #readCursor(): Cursor {
    const first = this.#segments.keys().next().value as number;
    const start = { index: first, segment: first, offset: 0 };
    try {
      const saved = JSON.parse(readFileSync(join(this.#options.dir, 'cursor.json'), 'utf8')) as Cursor;
      const size = this.#segments.get(saved.segment);
      if (!Number.isInteger(saved.index) || size === undefined || saved.offset > size || saved.index < saved.segment || saved.index > this.#next) return start;
      return saved;
    } catch {
      return start;
    }
  }
}
