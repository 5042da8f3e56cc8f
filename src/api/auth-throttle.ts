import type { RateDecision, RateLimitPolicy } from './rate-limit';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Failed authentications per client address: each wrong token presented takes one from the
 * address's bucket (`burst` deep, refilled `perMinute`); while it is empty, the address's requests
 * that present a token are answered 429 *before* the token is checked, so guessing gets no answer
 * at all. A request without a token is not a guess and costs nothing. Pure apart from the injected
 * clock; bounded: at most `maxKeys` addresses, the least recently used forgotten first.
 */
export class AuthThrottle {
  readonly #policy: RateLimitPolicy;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;
  readonly #perMs: number;

  constructor(policy: RateLimitPolicy, maxKeys = 10_000) {
    this.#policy = policy;
    this.#maxKeys = maxKeys;
    this.#perMs = policy.perMinute / 60_000;
  }

  /** May `address` present a token now? Takes nothing. */
  check(address: string, now: number): RateDecision {
    const bucket = this.#buckets.get(address);
    if (!bucket) return { allowed: true };
    const tokens = this.#refilled(bucket, now);
    if (tokens >= 1) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) / this.#perMs) };
  }

  /** `address` presented a token that was refused. */
  failed(address: string, now: number): void {
    const bucket = this.#buckets.get(address) ?? { tokens: this.#policy.burst, at: now };
    bucket.tokens = Math.max(0, this.#refilled(bucket, now) - 1);
    bucket.at = now;
    this.#buckets.delete(address);
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
  }

  #refilled(bucket: Bucket, now: number): number {
    return Math.min(this.#policy.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.#perMs);
  }
}
