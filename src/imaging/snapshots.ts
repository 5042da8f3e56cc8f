import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { VigilError } from '../errors';
import { ensurePrivateDir, writePrivateFile } from '../storage';

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
 * JPEG snapshots (face crop and full frame of a track's best view) under `<dataDir>/snapshots`,
 * with retention: beyond `maxFiles` or `maxBytes` the oldest are deleted at once; `prune()`
 * deletes those older than `maxAgeMs`; the event history deletes the ones its deleted events
 * referenced (`remove`), so the two retentions agree. Ids are UUIDs, so a request path can never
 * name another file.
 */
export class SnapshotStore {
  readonly dir: string;
  readonly #retention: SnapshotRetention;
  /** id -> written at (ms) and size, oldest first; rebuilt from the folder at start so retention survives restarts. */
  readonly #files = new Map<string, { at: number; bytes: number }>();
  #bytes = 0;

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
      this.#files.set(id, { at, bytes });
      this.#bytes += bytes;
    }
    this.#bound();
  }

  get count(): number {
    return this.#files.size;
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
    return { face: this.#write(faceJpeg), frame: this.#write(frameJpeg) };
  }

  #write(jpeg: Buffer): string {
    const id = randomUUID();
    writePrivateFile(join(this.dir, `${id}.jpg`), jpeg);
    this.#files.set(id, { at: Date.now(), bytes: jpeg.length });
    this.#bytes += jpeg.length;
    this.#bound();
    return id;
  }

  /** Deletes the oldest snapshots beyond either bound (count, bytes); the newest is always kept. */
  #bound(): void {
    const maxFiles = this.#retention.maxFiles ?? Infinity;
    const maxBytes = this.#retention.maxBytes ?? Infinity;
    for (const old of this.#files.keys()) {
      if (this.#files.size <= 1 || (this.#files.size <= maxFiles && this.#bytes <= maxBytes)) break;
      this.#delete(old);
    }
  }

  /** Size of a snapshot file in bytes, or null when there is none. */
  bytesOf(id: string): number | null {
    if (!ID.test(id)) return null;
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
    for (const [id, { at }] of this.#files) {
      if (now - at <= maxAge) break;
      this.#delete(id);
      removed++;
    }
    return removed;
  }

  #delete(id: string): void {
    const file = this.#files.get(id);
    if (file) this.#bytes -= file.bytes;
    this.#files.delete(id);
    rmSync(join(this.dir, `${id}.jpg`), { force: true });
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
