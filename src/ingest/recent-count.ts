/**
 * Counts events over a sliding hour in one-minute buckets: 60 numbers per counter, whatever the
 * uptime. `now` is passed in so tests need no clock.
 */
export class RecentCount {
  readonly #bucketMs: number;
  readonly #buckets: number[];
  /** Absolute bucket index (time / bucketMs) the newest slot holds. */
  #head = 0;

  constructor(windowMs = 3_600_000, buckets = 60) {
    this.#bucketMs = windowMs / buckets;
    this.#buckets = new Array<number>(buckets).fill(0);
  }

  add(now: number): void {
    this.#advance(now);
    const slot = this.#head % this.#buckets.length;
    this.#buckets[slot] = (this.#buckets[slot] ?? 0) + 1;
  }

  total(now: number): number {
    this.#advance(now);
    return this.#buckets.reduce((sum, n) => sum + n, 0);
  }

  #advance(now: number): void {
    const index = Math.floor(now / this.#bucketMs);
    if (index <= this.#head) return;
    const steps = Math.min(index - this.#head, this.#buckets.length);
    for (let i = 1; i <= steps; i += 1) this.#buckets[(this.#head + i) % this.#buckets.length] = 0;
    this.#head = index;
  }
}
