import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideBatch, takeCount, type BatchDecision, type QueueView } from '../../../src/inference/batch-policy';

const view = (over: Partial<QueueView>): QueueView => ({ queued: 1, queuedWeight: 1, oldestAgeMs: 0, inFlight: 0, capacity: 1, draining: false, ...over });

describe('decideBatch', () => {
  const limits = { maxSize: 8, maxWaitMs: 2 };
  const table: [string, Partial<QueueView>, BatchDecision][] = [
    ['nothing queued', { queued: 0, queuedWeight: 0 }, { kind: 'idle' }],
    ['every worker busy, however full the queue', { queued: 20, queuedWeight: 20, inFlight: 1 }, { kind: 'idle' }],
    ['idle pool, one frame: sent at once (one camera sees no added latency)', {}, { kind: 'dispatch' }],
    ['a full batch with a worker free', { queued: 8, queuedWeight: 8, inFlight: 1, capacity: 2 }, { kind: 'dispatch' }],
    ['others running, a worker free, a young frame: waits the rest of maxWaitMs', { oldestAgeMs: 0.5, inFlight: 1, capacity: 2 }, { kind: 'wait', ms: 1.5 }],
    ['others running, the oldest frame has waited maxWaitMs', { oldestAgeMs: 2, inFlight: 1, capacity: 2 }, { kind: 'dispatch' }],
    ['closing: no waiting for company', { oldestAgeMs: 0, inFlight: 1, capacity: 2, draining: true }, { kind: 'dispatch' }],
  ];
  for (const [name, over, expected] of table) it(name, () => assert.deepEqual(decideBatch(view(over), limits), expected));

  it('never waits when maxWaitMs is 0 (the CPU default)', () => {
    assert.deepEqual(decideBatch(view({ inFlight: 1, capacity: 2 }), { maxSize: 8, maxWaitMs: 0 }), { kind: 'dispatch' });
  });
});

describe('takeCount', () => {
  const table: [readonly number[], number, number][] = [
    [[1, 1, 1], 8, 3],
    [[1, 1, 1, 1, 1], 2, 2],
    [[3, 3, 3], 8, 2],
    [[12, 1], 8, 1],
    [[1, 12], 8, 1],
    [[], 8, 0],
  ];
  for (const [weights, max, expected] of table) {
    it(`takes ${expected} of [${weights.join(', ')}] under ${max}, always at least the first`, () => assert.equal(takeCount(weights, max), expected));
  }
});
