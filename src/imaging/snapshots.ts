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

const ID = /^[0-9a-f-]{36}$/;

/**
 * JPEG snapshots (face crop and full frame of a track's best view) under `<dataDir>/snapshots`,
 * with a retention limit: beyond `maxFiles` the oldest are deleted. Ids are UUIDs, so a request
 * path can never name another file.
 */
export class SnapshotStore {
  readonly dir: string;
  readonly #maxFiles: number;
  readonly #maxBytes: number;
  readonly #quality: number;
  /** Oldest first, with their sizes; rebuilt from the folder at start so retention survives restarts. */
  readonly #files: { id: string; bytes: number }[];
  #bytes = 0;

  constructor(dataDir: string, options: { maxFiles: number; maxBytes?: number; jpegQuality: number }) {
    this.dir = join(dataDir, 'snapshots');
    // Face crops are biometric data: owner only, the data directory included if this creates it.
    ensurePrivateDir(this.dir);
    this.#maxFiles = options.maxFiles;
    this.#maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    this.#quality = options.jpegQuality;
    this.#files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => {
        const stat = statSync(join(this.dir, f));
        return { id: f.slice(0, -4), bytes: stat.size, t: stat.mtimeMs };
      })
      .sort((a, b) => a.t - b.t)
      .map(({ id, bytes }) => ({ id, bytes }));
    for (const file of this.#files) this.#bytes += file.bytes;
    this.#prune();
  }

  /** Bytes of the snapshots kept. */
  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#files.length;
  }

  /** Saves the face crop (box grown by 40% for context) and the full frame; returns their ids. */
  async save(frame: { pixels: Uint8Array; width: number; height: number }, box: SnapshotBox): Promise<{ face: string; frame: string }> {
    const raw = { raw: { width: frame.width, height: frame.height, channels: 3 as const } };
    const grow = 0.2;
    const left = Math.max(0, Math.floor(box.x - box.width * grow));
    const top = Math.max(0, Math.floor(box.y - box.height * grow));
    const right = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + grow)));
    const bottom = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + grow)));
    const [faceJpeg, frameJpeg] = await Promise.all([
      sharp(frame.pixels, raw).extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) }).jpeg({ quality: this.#quality }).toBuffer(),
      sharp(frame.pixels, raw).jpeg({ quality: this.#quality }).toBuffer(),
    ]);
    return { face: this.#write(faceJpeg), frame: this.#write(frameJpeg) };
  }

  #write(jpeg: Buffer): string {
    const id = randomUUID();
    writePrivateFile(join(this.dir, `${id}.jpg`), jpeg);
    this.#files.push({ id, bytes: jpeg.length });
    this.#bytes += jpeg.length;
    this.#prune();
    return id;
  }

  /** Deletes the oldest snapshots beyond either bound (count, bytes); the newest is always kept. */
  #prune(): void {
    while (this.#files.length > 1 && (this.#files.length > this.#maxFiles || this.#bytes > this.#maxBytes)) {
      const old = this.#files.shift() as { id: string; bytes: number };
      this.#bytes -= old.bytes;
      rmSync(join(this.dir, `${old.id}.jpg`), { force: true });
    }
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
