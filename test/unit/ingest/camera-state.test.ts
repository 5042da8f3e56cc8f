import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CAMERA_STATES, canMove, planRestart, type CameraState } from '../../../src/ingest';
import { backoffBounds } from '../../../src/lifecycle';

describe('camera state machine', () => {
  const allowed: Array<[CameraState, CameraState]> = [
    ['idle', 'starting'],
    ['starting', 'streaming'],
    ['starting', 'backoff'],
    ['starting', 'stalled'],
    ['starting', 'failed'],
    ['streaming', 'stalled'],
    ['streaming', 'backoff'],
    ['streaming', 'starting'],
    ['stalled', 'backoff'],
    ['backoff', 'starting'],
    ['failed', 'starting'],
    ['stopped', 'starting'],
  ];
  const refused: Array<[CameraState, CameraState]> = [
    ['idle', 'streaming'],
    ['backoff', 'streaming'],
    ['stalled', 'streaming'],
    ['stalled', 'starting'],
    ['stopped', 'streaming'],
    ['backoff', 'stalled'],
    ['failed', 'backoff'],
  ];
  for (const [from, to] of allowed) it(`allows ${from} → ${to}`, () => assert.equal(canMove(from, to), true));
  for (const [from, to] of refused) it(`refuses ${from} → ${to}`, () => assert.equal(canMove(from, to), false));
  it('lets every state but stopped be stopped', () => {
    for (const state of CAMERA_STATES) assert.equal(canMove(state, 'stopped'), state !== 'stopped', state);
  });
});

describe('planRestart', () => {
  const policy = { baseMs: 1000, maxMs: 30_000 };
  const base = { policy, healthyAfterMs: 30_000, now: 100_000, random: () => 1 };
  const table: Array<{ name: string; attempt: number; streamingSince: number | null; expect: { attempt: number; delayMs: number } }> = [
    { name: 'first failure waits up to the base', attempt: 0, streamingSince: null, expect: { attempt: 1, delayMs: 1000 } },
    { name: 'failures in a row double the ceiling', attempt: 3, streamingSince: null, expect: { attempt: 4, delayMs: 8000 } },
    { name: 'the ceiling is capped', attempt: 9, streamingSince: null, expect: { attempt: 10, delayMs: 30_000 } },
    { name: 'a short streaming run does not reset the count', attempt: 4, streamingSince: 90_000, expect: { attempt: 5, delayMs: 16_000 } },
    { name: 'a run healthy long enough starts over', attempt: 6, streamingSince: 70_000, expect: { attempt: 1, delayMs: 1000 } },
  ];
  for (const row of table) {
    it(row.name, () => assert.deepEqual(planRestart({ ...base, attempt: row.attempt, streamingSince: row.streamingSince }), row.expect));
  }
  it('never plans a delay outside the bounds for that attempt, whatever the draw', () => {
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const { floorMs, ceilingMs } = backoffBounds(policy, attempt);
      assert.ok(floorMs >= 100, 'never a tight loop');
      for (const r of [0, 0.001, 0.5, 0.999, 1]) {
        const { delayMs } = planRestart({ ...base, random: () => r, attempt, streamingSince: null });
        assert.ok(delayMs >= floorMs && delayMs <= ceilingMs, `attempt ${attempt} draw ${r}: ${delayMs} in [${floorMs}, ${ceilingMs}]`);
      }
    }
  });
});
