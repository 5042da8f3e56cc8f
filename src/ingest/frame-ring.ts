import type { Frame } from './frame';

export type DropReason = 'ring_full' | 'stale';

/**
 * A small bounded queue of decoded frames waiting for analysis. Real time comes first: when it is
 * full the oldest frame is dropped, and a reader always takes the newest frame, dropping the older
 * ones as stale. Every drop goes through `onDrop` with its reason so it is counted and its buffer
 * recycled.
 */
export class FrameRing {
  readonly capacity: number;
  readonly #frames: Frame[] = [];
  readonly #onDrop: (frame: Frame, reason: DropReason) => void;

  constructor(capacity: number, onDrop: (frame: Frame, reason: DropReason) => void) {
    if (capacity < 1) throw new RangeError('FrameRing capacity must be at least 1');
    this.capacity = capacity;
    this.#onDrop = onDrop;
  }

  push(frame: Frame): void {
    if (this.#frames.length >= this.capacity) {
      const oldest = this.#frames.shift();
      if (oldest) this.#onDrop(oldest, 'ring_full');
    }
    this.#frames.push(frame);
  }

  /** Takes the newest frame; older frames still waiting are dropped as stale. */
  takeNewest(): Frame | undefined {
    const newest = this.#frames.pop();
    while (this.#frames.length > 0) {
      const stale = this.#frames.shift();
      if (stale) this.#onDrop(stale, 'stale');
    }
    return newest;
  }

  /** Drops everything (camera stopping); each frame is reported. */
  clear(reason: DropReason = 'stale'): void {
    while (this.#frames.length > 0) {
      const frame = this.#frames.shift();
      if (frame) this.#onDrop(frame, reason);
    }
  }

  get size(): number {
    return this.#frames.length;
  }
}
