import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { VigilError } from '../errors';
import { ensurePrivateDir, writePrivateFile } from '../storage';
import { SnapshotLog } from './snapshot-log';

export interface SnapshotBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SnapshotRetention {
  /** Files kept at most (the oldest deleted beyond); null: no bound by count. */
  readonly maxFiles: number | null;
  /** Bytes kept at most (the oldest deleted beyond); null or absent: no bound by size. */
  readonly maxBytes?: number | null;
  /** Files older than this are deleted by `prune()`; null: no bound by age. */
  readonly maxAgeMs?: number | null;
  readonly jpegQuality: number;
}

const ID = /^[0-9a-f-]{36}$/;

/**
 * Sizes of the snapshots written last, kept so that the history, which stores an event's
 * snapshot sizes moments after they are written, does not stat each file on the gateway's
 * thread (with 8 cameras: 60 ms of blocking stat calls in 30 s, in stretches of 15 ms or more).
 * Older ones are looked up. Bounded: the log itself keeps no id strings (see SnapshotLog).
 */
const RECENT_SIZES = 1024;

/**
 * JPEG snapshots (face crop and full frame of a track's best view) under `<dataDir>/snapshots`,
 * with retention: beyond `maxFiles` or `maxBytes` the oldest are deleted at once; `prune()`
 * deletes those older than `maxAgeMs`; the event history deletes the ones its deleted events
 * referenced (`remove`), so the two retentions agree. Ids are UUIDs, so a request path can never
 * name another file.
 */
export class SnapshotStore {
  readonly dir: string;
  readonly #retention: SnapshotRetention;
  /**
   * The files written, oldest first, rebuilt from the folder at start so retention survives
   * restarts. A file the history removed stays in the log until its turn comes (then it is
   * found gone and skipped); `#count` and `#bytes` always count the files there are.
   */
  readonly #log = new SnapshotLog();
  #count = 0;
  #bytes = 0;
  readonly #recentBytes = new Map<string, number>();

  constructor(dataDir: string, retention: SnapshotRetention) {
    this.dir = join(dataDir, 'snapshots');
    // Face crops are biometric data: owner only, the data directory included if this creates it.
    ensurePrivateDir(this.dir);
    this.#retention = retention;
    const found = readdirSync(this.dir)
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => {
        const stat = statSync(join(this.dir, f));
        return { id: f.slice(0, -4), at: stat.mtimeMs, bytes: stat.size };
      })
      .sort((a, b) => a.at - b.at);
    for (const { id, at, bytes } of found) {
      if (!ID.test(id)) continue;
      this.#log.push(id, at);
      this.#count += 1;
      this.#bytes += bytes;
    }
    this.#bound();
  }

  get count(): number {
    return this.#count;
  }

  /** Bytes of the snapshots kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Saves the face crop (box grown by 40% for context) and the full frame; returns their ids. */
  async save(frame: { pixels: Uint8Array; width: number; height: number }, box: SnapshotBox): Promise<{ face: string; frame: string }> {
    const raw = { raw: { width: frame.width, height: frame.height, channels: 3 as const } };
    const grow = 0.2;
    const left = Math.max(0, Math.floor(box.x - box.width * grow));
    const top = Math.max(0, Math.floor(box.y - box.height * grow));
    const right = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + grow)));
    const bottom = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + grow)));
    const quality = this.#retention.jpegQuality;
    const [faceJpeg, frameJpeg] = await Promise.all([
      sharp(frame.pixels, raw).extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) }).jpeg({ quality }).toBuffer(),
      sharp(frame.pixels, raw).jpeg({ quality }).toBuffer(),
    ]);
    const [face, whole] = await Promise.allSettled([this.#write(faceJpeg), this.#write(frameJpeg)]);
    // Counted once both writes ended, face first, whichever ended first: retention then removes a
    // view's files, and the views, in the order they were saved. A file written when the other
    // failed is counted all the same, so retention still removes it.
    if (face.status === 'fulfilled') this.#counted(face.value, faceJpeg.length);
    if (whole.status === 'fulfilled') this.#counted(whole.value, frameJpeg.length);
    if (face.status === 'rejected') throw face.reason;
    if (whole.status === 'rejected') throw whole.reason;
    return { face: face.value, frame: whole.value };
  }

  /** Writes one snapshot off the event loop; returns its id. */
  async #write(jpeg: Buffer): Promise<string> {
    const id = randomUUID();
    await writePrivateFile(join(this.dir, `${id}.jpg`), jpeg);
    return id;
  }

  /** Counts a written snapshot (it may push out the oldest). */
  #counted(id: string, bytes: number): void {
    this.#recentBytes.set(id, bytes);
    if (this.#recentBytes.size > RECENT_SIZES) this.#recentBytes.delete(this.#recentBytes.keys().next().value as string);
    this.#log.push(id, Date.now());
    this.#count += 1;
    this.#bytes += bytes;
    this.#bound();
  }

  /** Deletes the oldest snapshots beyond either bound (count, bytes); the newest is always kept. */
  #bound(): void {
    const maxFiles = this.#retention.maxFiles ?? Infinity;
    const maxBytes = this.#retention.maxBytes ?? Infinity;
    while (this.#count > 1 && (this.#count > maxFiles || this.#bytes > maxBytes)) {
      const old = this.#log.oldest();
      if (!old) break;
      this.#log.shift();
      this.#delete(old.id);
    }
  }

  /** Size of a snapshot file in bytes, or null when there is none. */
  bytesOf(id: string): number | null {
    if (!ID.test(id)) return null;
    const recent = this.#recentBytes.get(id);
    if (recent !== undefined) return recent;
    try {
      return statSync(join(this.dir, `${id}.jpg`)).size;
    } catch {
      return null;
    }
  }

  /** Deletes snapshots (the history's retention removed the events that referenced them). */
  remove(ids: Iterable<string>): void {
    for (const id of ids) if (ID.test(id)) this.#delete(id);
  }

  /** Deletes the snapshots older than `maxAgeMs` (those no stored event keeps are only bounded so). Returns how many. */
  prune(now = Date.now()): number {
    const maxAge = this.#retention.maxAgeMs ?? null;
    if (maxAge === null) return 0;
    let removed = 0;
    for (let old = this.#log.oldest(); old && now - old.at > maxAge; old = this.#log.oldest()) {
      this.#log.shift();
      if (this.#delete(old.id)) removed++;
    }
    return removed;
  }

  /** Deletes a snapshot file if it is there (true), keeping the count and bytes. */
  #delete(id: string): boolean {
    const path = join(this.dir, `${id}.jpg`);
    const bytes = this.bytesOf(id);
    if (bytes === null) return false;
    this.#recentBytes.delete(id);
    rmSync(path, { force: true });
    this.#count -= 1;
    this.#bytes -= bytes;
    return true;
  }

  /** The JPEG bytes of a snapshot, or a not-found error. */
  read(id: string): Buffer {
    if (!ID.test(id)) throw new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', `no snapshot "${id}"`, { id });
    try {
      return readFileSync(join(this.dir, `${id}.jpg`));
    } catch {
      throw new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', `no snapshot "${id}" (never taken or removed by retention)`, { id });
    }
  }
}
