/** One decoded RGB24 frame. `data` owns a whole ArrayBuffer so it can move to a worker without a copy. */
export interface Frame {
  readonly cameraId: string;
  /** Per-camera frame sequence number, from 0 for each gateway run. */
  readonly seq: number;
  readonly width: number;
  readonly height: number;
  /** Wall-clock time (ms since epoch) at which the last byte of the frame was read. */
  readonly capturedAt: number;
  readonly data: Uint8Array;
}

/**
 * Recycles frame buffers for one camera so decoding does not allocate per frame.
 * Bounded: at most `capacity` buffers are kept for reuse; extra ones are left to the GC.
 */
export class FrameBufferPool {
  readonly frameBytes: number;
  readonly capacity: number;
  readonly #free: ArrayBuffer[] = [];

  constructor(frameBytes: number, capacity: number) {
    this.frameBytes = frameBytes;
    this.capacity = capacity;
  }

  acquire(): ArrayBuffer {
    return this.#free.pop() ?? new ArrayBuffer(this.frameBytes);
  }

  /** Returns a buffer for reuse. Buffers of another size, or detached ones, are ignored. */
  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.frameBytes && this.#free.length < this.capacity) this.#free.push(buffer);
  }

  get available(): number {
    return this.#free.length;
  }
}
