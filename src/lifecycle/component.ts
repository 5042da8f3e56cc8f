import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from './clock';

/** A state change of a long-lived component, with the reason when there is one. */
export interface StateChange<S extends string> {
  readonly from: S;
  readonly to: S;
  readonly reason?: string;
  readonly at: number;
}

/**
 * The lifecycle contract every long-lived part follows (cameras, pool, sinks, servers):
 * `start()`, `close()` graceful with a timeout, `destroy()` immediate; close and destroy are
 * idempotent. State changes are emitted as 'state' events so metrics and logs can subscribe
 * instead of being sprinkled through the logic.
 */
export interface Component<S extends string = string> {
  readonly name: string;
  readonly state: S;
  start(): Promise<void>;
  close(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

/** Holds a component's state and emits a typed 'state' event on every change. */
export class StateHolder<S extends string> extends EventEmitter {
  #state: S;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(initial: S, clock: Pick<Clock, 'now'> = systemClock) {
    super();
    this.#state = initial;
    this.#clock = clock;
  }

  get state(): S {
    return this.#state;
  }

  /** Moves to `to`; returns false (and emits nothing) when already there. */
  set(to: S, reason?: string): boolean {
    const from = this.#state;
    if (from === to) return false;
    this.#state = to;
    const change: StateChange<S> = reason === undefined ? { from, to, at: this.#clock.now() } : { from, to, reason, at: this.#clock.now() };
    this.emit('state', change);
    return true;
  }

  onChange(listener: (change: StateChange<S>) => void): () => void {
    this.on('state', listener);
    return () => this.off('state', listener);
  }
}

/** Resolves with the promise's value, or rejects once `ms` have passed. Clears its timer either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
