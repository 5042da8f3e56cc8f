export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base * 2^attempt)).
 * `random` is injected so tests are deterministic. A floor of a tenth of the base keeps even an
 * unlucky draw from turning into a tight restart loop.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  const floor = Math.min(ceiling, policy.baseMs / 10);
  return Math.round(floor + random() * (ceiling - floor));
}
