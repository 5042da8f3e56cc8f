/**
 * Token buckets for mutating routes, one per caller (token id, or address when no tokens exist).
 * Pure apart from the injected clock; bounded: at most `maxKeys` buckets, the least recently used
 * forgotten first.
 */
export interface RateLimitPolicy {
  /** Requests refilled per minute. */
  readonly perMinute: number;
  /** Bucket size: how many requests may come at once. */
  readonly burst: number;
}

export type RateDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #policy: RateLimitPolicy;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  constructor(policy: RateLimitPolicy, maxKeys = 10_000) {
    this.#policy = policy;
    this.#maxKeys = maxKeys;
  }

  take(key: string, now: number): RateDecision {
    const { perMinute, burst } = this.#policy;
    const perMs = perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, at: now };
    this.#buckets.delete(key);
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
  }
}
