/**
 * A counting semaphore over shared memory: at most N model runs on the accelerator at once,
 * across every worker thread of the pool (and the pools a model swap overlaps), so a GPU shared
 * with other work is never oversubscribed and its memory stays bounded by N batches in flight.
 * Workers wait without blocking their thread (Atomics.waitAsync), so a waiting worker can still
 * be closed. Pure JavaScript: no onnxruntime here.
 */

/** Index 0: permits left. */
const PERMITS = 0;

interface WaitAsyncResult {
  readonly async: boolean;
  readonly value: Promise<'ok' | 'timed-out'> | 'not-equal' | 'timed-out';
}
type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs?: number) => WaitAsyncResult;

/** The shared buffer the pool creates once and hands every worker. */
export function createRunGate(permits: number): SharedArrayBuffer {
  if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`permits must be a positive integer, got ${permits}`);
  const buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  Atomics.store(new Int32Array(buffer), PERMITS, permits);
  return buffer;
}

export class RunGate {
  readonly #cells: Int32Array;
  readonly #waitAsync: WaitAsync;

  constructor(buffer: SharedArrayBuffer) {
    this.#cells = new Int32Array(buffer);
    this.#waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  }

  /** Permits left now (for tests and figures). */
  get available(): number {
    return Atomics.load(this.#cells, PERMITS);
  }

  async acquire(): Promise<void> {
    for (;;) {
      const left = Atomics.load(this.#cells, PERMITS);
      if (left > 0) {
        if (Atomics.compareExchange(this.#cells, PERMITS, left, left - 1) === left) return;
        continue;
      }
      // Sleeps until a release changes the count (or returns at once if it already did). A pending
      // waitAsync does not keep Node's event loop alive on its own: the interval does, meanwhile.
      const wait = this.#waitAsync(this.#cells, PERMITS, left);
      if (!wait.async) continue;
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        await wait.value;
      } finally {
        clearInterval(keepAlive);
      }
    }
  }

  release(): void {
    Atomics.add(this.#cells, PERMITS, 1);
    Atomics.notify(this.#cells, PERMITS, 1);
  }

  /** Runs `work` holding one permit; returns its result and how long the permit took to get. */
  async run<T>(work: () => Promise<T>): Promise<{ value: T; waitedMs: number }> {
    const asked = performance.now();
    await this.acquire();
    const waitedMs = performance.now() - asked;
    try {
      return { value: await work(), waitedMs };
    } finally {
      this.release();
    }
  }
}
