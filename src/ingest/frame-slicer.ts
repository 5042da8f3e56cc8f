import type { FrameBufferPool } from './frame';

/**
 * Cuts ffmpeg's raw byte stream into whole frames. Chunk boundaries fall anywhere: a chunk may end
 * mid-frame or hold several frames. Each frame is written once into a pooled buffer (the only copy
 * between ffmpeg's pipe and the worker) and handed to `onFrame` when complete.
 */
export class FrameSlicer {
  readonly #pool: FrameBufferPool;
  readonly #onFrame: (buffer: ArrayBuffer) => void;
  #current: Uint8Array | null = null;
  #filled = 0;

  constructor(pool: FrameBufferPool, onFrame: (buffer: ArrayBuffer) => void) {
    this.#pool = pool;
    this.#onFrame = onFrame;
  }

  push(chunk: Uint8Array): void {
    const frameBytes = this.#pool.frameBytes;
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.#current) {
        this.#current = new Uint8Array(this.#pool.acquire());
        this.#filled = 0;
      }
      const take = Math.min(frameBytes - this.#filled, chunk.length - offset);
      this.#current.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === frameBytes) {
        const done = this.#current.buffer as ArrayBuffer;
        this.#current = null;
        this.#onFrame(done);
      }
    }
  }

  /** Bytes of an incomplete frame held now (discarded by reset, for example when ffmpeg restarts). */
  get pendingBytes(): number {
    return this.#current ? this.#filled : 0;
  }

  reset(): void {
    if (this.#current) this.#pool.release(this.#current.buffer as ArrayBuffer);
    this.#current = null;
    this.#filled = 0;
  }
}
