export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * The range a delay for `attempt` (0-based) falls in: full jitter up to min(max, base * 2^attempt),
 * with a floor of a tenth of the base so even an unlucky draw never becomes a tight restart loop.
 */
export function backoffBounds(policy: BackoffPolicy, attempt: number): { floorMs: number; ceilingMs: number } {
  const ceilingMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const floorMs = Math.min(ceilingMs, policy.baseMs / 10);
  return { floorMs, ceilingMs };
}

/**
 * Exponential backoff with full jitter: a uniform delay in [floor, min(max, base * 2^attempt)).
 * `random` is injected so tests are deterministic.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const { floorMs, ceilingMs } = backoffBounds(policy, attempt);
  return Math.round(floorMs + random() * (ceilingMs - floorMs));
}
