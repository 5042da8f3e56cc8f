import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthThrottle } from '../../../src/api/auth-throttle';

describe('failed-authentication throttle (per address, injected clock)', () => {
  it('lets an address fail `burst` times, then refuses it until the bucket refills', () => {
    const throttle = new AuthThrottle({ perMinute: 6, burst: 3 });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.check('10.0.0.1', 0).allowed, true, `try ${i + 1}`);
      throttle.failed('10.0.0.1', 0);
    }
    const refused = throttle.check('10.0.0.1', 0);
    assert.equal(refused.allowed, false);
    assert.equal(!refused.allowed && refused.retryAfterMs, 10_000, 'one try back every 10 s at 6 per minute');
    assert.equal(throttle.check('10.0.0.2', 0).allowed, true, 'other addresses are not affected');
    assert.equal(throttle.check('10.0.0.1', 9_999).allowed, false);
    assert.equal(throttle.check('10.0.0.1', 10_000).allowed, true);
  });

  it('costs nothing to check, and nothing for an address that never failed', () => {
    const throttle = new AuthThrottle({ perMinute: 1, burst: 1 });
    for (let i = 0; i < 100; i++) assert.equal(throttle.check('a', i).allowed, true);
    throttle.failed('a', 100);
    assert.equal(throttle.check('a', 100).allowed, false);
  });

  it('forgets the least recently failing address beyond its bound', () => {
    const throttle = new AuthThrottle({ perMinute: 1, burst: 1 }, 2);
    throttle.failed('a', 0);
    throttle.failed('b', 0);
    throttle.failed('c', 0);
    assert.equal(throttle.check('a', 0).allowed, true, 'a was forgotten');
    assert.equal(throttle.check('c', 0).allowed, false);
  });
});
