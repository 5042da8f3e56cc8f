import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_CAPACITY, higherMode, lowerMode, planCapacity, type CameraSample, type CapacityState } from '../../../src/cameras';

const LIMITS = { healthyLagMs: 200, degradeLagMs: 800, dropLagMs: 1500, degradeAfterChecks: 3, restoreAfterChecks: 3 };
const cam = (camera: string, lagMs: number | null, cost: number, extra: Partial<CameraSample> = {}): CameraSample => ({ camera, mode: 'full', floor: 'keyframes', idle: false, lagMs, cost, ...extra });

/** Runs checks one a second from t=0; returns every change made. */
function run(checks: CameraSample[][], state: CapacityState = INITIAL_CAPACITY): { changes: string[]; state: CapacityState } {
  const changes: string[] = [];
  checks.forEach((samples, i) => {
    const decision = planCapacity(LIMITS, state, samples, i * 1000);
    state = decision.state;
    if (decision.change) changes.push(`${i}:${decision.change.camera}->${decision.change.mode}`);
  });
  return { changes, state };
}

describe('capacity plan (time-based, one camera at a time)', () => {
  it('a start-up burst (two seconds of lag) degrades nothing', () => {
    const burst = [[cam('a', 2500, 0.3), cam('b', 2400, 0.2)], [cam('a', 1800, 0.3), cam('b', 1500, 0.2)], [cam('a', 120, 0.3), cam('b', 90, 0.2)], [cam('a', 80, 0.3), cam('b', 70, 0.2)]];
    assert.deepEqual(run(burst).changes, []);
  });

  it('sustained lag degrades the costliest camera one rung, then the next after fresh evidence', () => {
    const overloaded = (costA: number, costB: number, modeA = 'full' as CameraSample['mode']) => [cam('a', 1200, costA, { mode: modeA }), cam('b', 1100, costB)];
    const { changes } = run([overloaded(0.6, 0.2), overloaded(0.6, 0.2), overloaded(0.6, 0.2), overloaded(0.4, 0.2, 'half-fps'), overloaded(0.4, 0.2, 'half-fps'), overloaded(0.4, 0.2, 'half-fps')]);
    assert.deepEqual(changes, ['2:a->half-fps', '5:a->keyframes']);
  });

  it('never takes a camera below its floor, and leaves idle cameras alone', () => {
    const samples = [cam('a', 1200, 0.9, { floor: 'off' }), cam('b', 1200, 0.8, { floor: 'half-fps', mode: 'half-fps' }), cam('c', null, 0.01, { idle: true }), cam('d', 1000, 0.1)];
    assert.deepEqual(run([samples, samples, samples]).changes, ['2:d->half-fps']);
    assert.equal(lowerMode('half-fps', 'half-fps'), null);
    assert.equal(lowerMode('full', 'off'), null);
    assert.equal(higherMode('keyframes'), 'half-fps');
  });

  it('recovers in seconds once the lag is healthy, the camera degraded longest first', () => {
    let state = run([[cam('a', 1200, 0.6), cam('b', 1000, 0.5)], [cam('a', 1200, 0.6), cam('b', 1000, 0.5)], [cam('a', 1200, 0.6), cam('b', 1000, 0.5)]]).state;
    state = run([[cam('a', 1200, 0.3, { mode: 'half-fps' }), cam('b', 1000, 0.5)], [cam('a', 1200, 0.3, { mode: 'half-fps' }), cam('b', 1000, 0.5)], [cam('a', 1200, 0.3, { mode: 'half-fps' }), cam('b', 1000, 0.5)]], state).state;
    const calm = [cam('a', 60, 0.3, { mode: 'half-fps' }), cam('b', 50, 0.2, { mode: 'half-fps' })];
    const decision = [calm, calm, calm].reduce<{ state: CapacityState; change: string | null }>(
      (acc, samples, i) => {
        const d = planCapacity(LIMITS, acc.state, samples, 100_000 + i * 1000);
        return { state: d.state, change: d.change ? `${d.change.camera}->${d.change.mode}` : acc.change };
      },
      { state, change: null },
    );
    assert.equal(decision.change, 'a->full', 'three healthy seconds restore the first degraded camera');
  });

  it('a restore soon followed by overload doubles the healthy time needed for the next', () => {
    const over = [cam('a', 1500, 0.5, { mode: 'half-fps' })];
    const state: CapacityState = { ...INITIAL_CAPACITY, degradedAt: {}, lastRestoreAt: 0, restoreChecks: 3 };
    const after = run([over, over, over], state).state;
    assert.equal(after.restoreChecks, 6);
  });

  it('fairness: identical cameras are lowered in turn (a lowered camera costs less), never one twice before all once', () => {
    const cost = { full: 0.4, 'half-fps': 0.25, keyframes: 0.05 } as const;
    const modes: Record<string, CameraSample['mode']> = { a: 'full', b: 'full', c: 'full', d: 'full' };
    let state = INITIAL_CAPACITY;
    const order: string[] = [];
    for (let t = 0; t < 24; t++) {
      const samples = Object.entries(modes).map(([camera, mode]) => cam(camera, 1500, cost[mode], { mode }));
      const decision = planCapacity(LIMITS, state, samples, t * 1000);
      state = decision.state;
      if (decision.change) {
        modes[decision.change.camera] = decision.change.mode;
        order.push(`${decision.change.camera}->${decision.change.mode}`);
      }
    }
    assert.deepEqual(order, ['a->half-fps', 'b->half-fps', 'c->half-fps', 'd->half-fps', 'a->keyframes', 'b->keyframes', 'c->keyframes', 'd->keyframes']);
  });

  it('far behind (over dropLagMs), after the first sustained step it sheds a camera at every check', () => {
    const modes: Record<string, CameraSample['mode']> = { a: 'full', b: 'full', c: 'full', d: 'full' };
    const cost = { full: 1, 'half-fps': 0.6, keyframes: 0.1 } as const;
    let state = INITIAL_CAPACITY;
    const changes: string[] = [];
    for (let t = 0; t < 6; t++) {
      const decision = planCapacity(LIMITS, state, Object.entries(modes).map(([c, mode]) => cam(c, 3000, cost[mode], { mode })), t * 1000);
      state = decision.state;
      if (!decision.change) continue;
      modes[decision.change.camera] = decision.change.mode;
      changes.push(`${t}:${decision.change.camera}->${decision.change.mode}`);
    }
    assert.deepEqual(changes, ['2:a->half-fps', '3:b->half-fps', '4:c->half-fps', '5:d->half-fps']);
  });

  it('lag in between the watermarks changes nothing', () => {
    const middle = [cam('a', 500, 0.5, { mode: 'half-fps' })];
    assert.deepEqual(run(Array.from({ length: 10 }, () => middle)).changes, []);
  });
});
