import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CameraLoad } from '../../../src/cameras/camera-load';

function lagOf(analysed: number[], waitingFor: number | null): number | null {
  const load = new CameraLoad();
  for (const lag of analysed) load.analysed(lag, 10);
  const now = 1_000_000;
  return load.take(undefined, now, waitingFor === null ? null : now - waitingFor).lagMs;
}

describe('CameraLoad: how far behind a camera is, per capacity check', () => {
  const cases: [string, number[], number | null, number | null][] = [
    ['nothing analysed, nothing waiting: no signal', [], null, null],
    ['analyses only: their 90th percentile', [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000], null, 900],
    ['starved (nothing analysed since the last check, a frame waiting 5 s): the wait', [], 5000, 5000],
    ['a short wait under the analyses\' lag: the analyses', [400], 30, 400],
    ['a wait longer than every analysis: the wait', [400], 2500, 2500],
  ];
  for (const [name, analysed, waiting, want] of cases) it(name, () => assert.equal(lagOf(analysed, waiting), want));

  it('starts a new period at each check', () => {
    const load = new CameraLoad();
    load.analysed(700, 10);
    assert.equal(load.take(undefined, 1000).lagMs, 700);
    assert.equal(load.take(undefined, 2000).lagMs, null);
  });
});
