import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planChaos } from '../../../loadtest/chaos-plan';
import { outageResults, sequenceHoles, median, type OutageRecord, type StatusChange } from '../../../loadtest/chaos-report';
import { slope } from '../../../loadtest/memory-samples';

describe('chaos run: plan and figures (pure)', () => {
  const cameras = ['cam-0', 'cam-1', 'cam-2', 'cam-3'];

  it('plans the same schedule from the same seed, another from another', () => {
    const a = planChaos({ cameras, minutes: 10, seed: 42 });
    assert.deepEqual(planChaos({ cameras, minutes: 10, seed: 42 }), a);
    assert.notDeepEqual(planChaos({ cameras, minutes: 10, seed: 43 }), a);
    assert.ok(a.outages.length >= cameras.length, `${a.outages.length} outages`);
    assert.equal(a.brokerFreezes.length, 2);
  });

  it("gives every outage its recovery budget before the camera's next, and ends with a quiet minute", () => {
    const plan = planChaos({ cameras, minutes: 10, seed: 7, recoveryBudgetMs: 40_000 });
    for (const camera of cameras) {
      const mine = plan.outages.filter((o) => o.camera === camera);
      for (let i = 1; i < mine.length; i++) {
        const before = mine[i - 1] as (typeof mine)[number];
        assert.ok((mine[i]?.at ?? 0) >= before.at + before.durationMs + 40_000);
      }
    }
    for (const o of plan.outages) assert.ok(o.at + o.durationMs + 40_000 <= 9 * 60_000);
  });

  it('times each recovery from the source coming back to streaming again, and tells unnoticed outages apart', () => {
    const records: OutageRecord[] = [
      { camera: 'a', kind: 'kill', at: 0, durationMs: 10_000, startedAt: 1_000, returnedAt: 11_000 },
      { camera: 'b', kind: 'freeze', at: 0, durationMs: 5_000, startedAt: 1_000, returnedAt: 6_000 },
      { camera: 'c', kind: 'kill', at: 0, durationMs: 5_000, startedAt: 1_000, returnedAt: 6_000 },
    ];
    const changes: StatusChange[] = [
      { camera: 'a', state: 'streaming', at: 500 },
      { camera: 'a', state: 'backoff', at: 1_100 },
      { camera: 'a', state: 'starting', at: 3_000 },
      { camera: 'a', state: 'backoff', at: 3_100 },
      { camera: 'a', state: 'starting', at: 18_000 },
      { camera: 'a', state: 'streaming', at: 19_500 },
      { camera: 'c', state: 'backoff', at: 1_200 },
    ];
    const [a, b, c] = outageResults(records, changes);
    assert.deepEqual(a, { camera: 'a', kind: 'kill', downSeconds: 10, interrupted: true, recoverySeconds: 8.5, path: 'backoff>starting>backoff>starting>streaming' });
    assert.equal(b?.interrupted, false);
    assert.equal(b?.recoverySeconds, 0);
    assert.equal(c?.recoverySeconds, null, 'never streamed again');
  });

  it('gives an interruption to the outage it happened in: a short freeze that passed unnoticed is not charged with the next one', () => {
    const records: OutageRecord[] = [
      { camera: 'a', kind: 'freeze', at: 0, durationMs: 5_000, startedAt: 0, returnedAt: 5_000 },
      { camera: 'a', kind: 'freeze', at: 60_000, durationMs: 29_000, startedAt: 60_000, returnedAt: 89_000 },
    ];
    const changes: StatusChange[] = [
      { camera: 'a', state: 'stalled', at: 70_000 },
      { camera: 'a', state: 'backoff', at: 70_010 },
      { camera: 'a', state: 'starting', at: 71_000 },
      { camera: 'a', state: 'streaming', at: 91_000 },
    ];
    const [short, long] = outageResults(records, changes);
    assert.equal(short?.interrupted, false);
    assert.equal(long?.interrupted, true);
    assert.equal(long?.recoverySeconds, 2);
  });

  it('counts holes in a sequence, and the usual statistics', () => {
    assert.equal(sequenceHoles([1, 2, 3, 5, 6, 9]), 3);
    assert.equal(sequenceHoles([4, 2, 3]), 0);
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  });
});
