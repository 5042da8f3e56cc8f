/**
 * Runs `work` now and then every `intervalMs` while started. A run asked for between polls (a
 * status event, a button) restarts the wait; runs that overlap keep one timer, not one each.
 * `work` reports its own errors: a failed run is retried at the next poll.
 */
export class Poller {
  readonly #work: () => Promise<void>;
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;

  constructor(work: () => Promise<void>, intervalMs: number) {
    this.#work = work;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#running = true;
    void this.now();
  }

  stop(): void {
    this.#running = false;
    this.#clear();
  }

  /** Runs the work now; the next poll comes `intervalMs` after it ends. */
  async now(): Promise<void> {
    this.#clear();
    try {
      await this.#work();
    } finally {
      this.#clear();
      if (this.#running) this.#timer = setTimeout(() => void this.now(), this.#intervalMs);
    }
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
