import type { Clock, TimerHandle } from '../../src/lifecycle';

interface Timer {
  readonly id: number;
  due: number;
  readonly every: number | null;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told (`advance`), running due timers in time order. Lets
 * supervisor tests cross stall timeouts and backoff delays without sleeping.
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | null): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  clearInterval(handle: TimerHandle | null): void {
    this.clearTimeout(handle);
  }

  /** Delays (ms from now) of the one-shot timers pending, soonest first. */
  pendingTimeouts(): number[] {
    return [...this.#timers.values()].filter((t) => t.every === null).map((t) => t.due - this.#now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.#now = next.due;
      if (next.every === null) this.#timers.delete(next.id);
      else next.due += next.every;
      next.callback();
    }
    this.#now = end;
  }

  #add(callback: () => void, ms: number, every: number | null): number {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), every, callback });
    return id;
  }
}
