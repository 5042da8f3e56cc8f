import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/lifecycle';

describe('backoffDelay (exponential, full jitter)', () => {
  const policy = { baseMs: 1000, maxMs: 30_000 };
  it('grows as base * 2^attempt and is capped', () => {
    const highest = (attempt: number): number => backoffDelay(policy, attempt, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 10].map(highest), [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
  it('draws uniformly below the ceiling, never below a tenth of the base', () => {
    assert.equal(backoffDelay(policy, 3, () => 0), 100);
    assert.equal(backoffDelay(policy, 3, () => 0.5), 4050);
  });
});
