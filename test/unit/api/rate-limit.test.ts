import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../src/api';

describe('rate limiter', () => {
  it('allows a burst, then one per refill interval, per key', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 2 });
    assert.deepEqual([limiter.take('a', 0), limiter.take('a', 0)].map((d) => d.allowed), [true, true]);
    assert.deepEqual(limiter.take('a', 0), { allowed: false, retryAfterMs: 1000 });
    assert.equal(limiter.take('b', 0).allowed, true, 'another caller has its own bucket');
    assert.equal(limiter.take('a', 999).allowed, false);
    assert.equal(limiter.take('a', 1000).allowed, true);
  });
});
