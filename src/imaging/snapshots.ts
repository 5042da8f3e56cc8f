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
  readonly #quality: number;
  /** Oldest first; rebuilt from the folder at start so retention survives restarts. */
  readonly #files: string[];

  constructor(dataDir: string, options: { maxFiles: number; jpegQuality: number }) {
    this.dir = join(dataDir, 'snapshots');
    // Face crops are biometric data: owner only, the data directory included if this creates it.
    ensurePrivateDir(this.dir);
    this.#maxFiles = options.maxFiles;
    this.#quality = options.jpegQuality;
    this.#files = readdirSync(this.dir)
      .filter((f) => f.endsWith('.jpg'))
      .map((f) => ({ f, t: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => a.t - b.t)
      .map((e) => e.f.slice(0, -4));
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
    this.#files.push(id);
    while (this.#files.length > this.#maxFiles) {
      const old = this.#files.shift() as string;
      rmSync(join(this.dir, `${old}.jpg`), { force: true });
    }
    return id;
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
