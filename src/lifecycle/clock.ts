/** A timer handle as the clock that made it understands it. */
export type TimerHandle = { readonly unref?: () => unknown } | number | object;

/**
 * Where a component gets the time and its timers. Supervisors take one so their backoff, stall and
 * recovery races are tested by moving a manual clock instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | null): void;
}

/** Wall-clock time and Node's timers; timers never keep the process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => {
    if (handle !== null) clearTimeout(handle as NodeJS.Timeout);
  },
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => {
    if (handle !== null) clearInterval(handle as NodeJS.Timeout);
  },
};
