import type { Frame } from './frame';

export type DropReason = 'ring_full' | 'stale' | 'stopped';

/** How many frames of `frameBytes` a ring may hold: the smaller of both limits, at least one. */
export function ringCapacity(maxFrames: number, maxBytes: number, frameBytes: number): number {
  return Math.max(1, Math.min(maxFrames, Math.floor(maxBytes / Math.max(1, frameBytes))));
}

/**
 * A small bounded queue of decoded frames waiting for analysis. Real time comes first: when it is
 * full the oldest frame is dropped, and a reader always takes the newest frame, dropping the older
 * ones as stale. Every drop goes through `onDrop` with its reason so it is counted and its buffer
 * recycled. It remembers the most frames it held since `takePeak()` was last called, which is what
 * the adaptive decode policy watches.
 */
export class FrameRing {
  readonly capacity: number;
  readonly #frames: Frame[] = [];
  readonly #onDrop: (frame: Frame, reason: DropReason) => void;
  #peak = 0;

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
    if (this.#frames.length > this.#peak) this.#peak = this.#frames.length;
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

  /** The newest frame waiting, left in place. */
  peekNewest(): Frame | undefined {
    return this.#frames.at(-1);
  }

  /** Drops everything (camera stopping); each frame is reported. */
  clear(reason: DropReason = 'stopped'): void {
    while (this.#frames.length > 0) {
      const frame = this.#frames.shift();
      if (frame) this.#onDrop(frame, reason);
    }
  }

  /** The most frames held at once since the last call; starts the next period at the current size. */
  takePeak(): number {
    const peak = this.#peak;
    this.#peak = this.#frames.length;
    return peak;
  }

  get size(): number {
    return this.#frames.length;
  }
}
