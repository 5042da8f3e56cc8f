import { encodeJpeg } from '../imaging';

/** Snapshots are encoded at most this often; requests in between get the cached JPEG. */
const SNAPSHOT_CACHE_MS = 200;
/**
 * A frame is copied at most this often (by capture time). Copying every frame cost an overloaded
 * gateway's main thread a full-frame memcpy per decoded frame (12 cameras at 30 fps: 5.6% of it,
 * measured with --cpu-prof), for a picture read about once a second, and the JPEG is cached this
 * long anyway.
 */
const KEEP_EVERY_MS = SNAPSHOT_CACHE_MS;

/**
 * A copy of a camera's newest decoded frame (one reused buffer), at most 200 ms behind it, for
 * `GET /v1/cameras/{id}/snapshot`. The copy is made as the frame is decoded, before the frame
 * moves to a worker.
 */
export class LatestFrame {
  readonly #width: number;
  readonly #height: number;
  #latest: { pixels: Uint8Array; capturedAt: number } | null = null;
  #jpeg: { at: number; frameAt: number; bytes: Promise<Buffer> } | null = null;

  constructor(width: number, height: number) {
    this.#width = width;
    this.#height = height;
  }

  /** Capture time of the frame kept, or null before the first. */
  get keptAt(): number | null {
    return this.#latest?.capturedAt ?? null;
  }

  /** Copies the frame unless the one kept is less than 200 ms older (a clock that went back copies). */
  keep(frame: { readonly data: Uint8Array; readonly capturedAt: number }): void {
    if (frame.data.byteLength === 0) return;
    const since = this.#latest ? frame.capturedAt - this.#latest.capturedAt : Infinity;
    if (since >= 0 && since < KEEP_EVERY_MS && this.#latest?.pixels.byteLength === frame.data.byteLength) return;
    if (!this.#latest || this.#latest.pixels.byteLength !== frame.data.byteLength) this.#latest = { pixels: new Uint8Array(frame.data.byteLength), capturedAt: 0 };
    this.#latest.pixels.set(frame.data);
    this.#latest.capturedAt = frame.capturedAt;
  }

  /** JPEG of the newest frame; null before the first one. Encoded at most every 200 ms. */
  jpeg(quality: number, now = Date.now()): Promise<Buffer> | null {
    const latest = this.#latest;
    if (!latest) return null;
    const cached = this.#jpeg;
    if (cached && (now - cached.at < SNAPSHOT_CACHE_MS || cached.frameAt === latest.capturedAt)) return cached.bytes;
    // Encoded from a copy: the next frame overwrites the kept buffer while sharp works.
    const bytes = encodeJpeg({ pixels: Uint8Array.from(latest.pixels), width: this.#width, height: this.#height }, quality);
    this.#jpeg = { at: now, frameAt: latest.capturedAt, bytes };
    bytes.catch(() => (this.#jpeg = null));
    return bytes;
  }
}
