import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fairnessOf } from '../../../loadtest/camera-figures';

describe('bench fairness figure', () => {
  it('counts the cameras within 20 % of the mean analysed fps', () => {
    // Mean 0.6: 0.5 and 0.7 are within 0.12 of it, 0.3 and 0.9 are not.
    const f = fairnessOf([0.5, 0.7, 0.3, 0.9, 0.6]);
    assert.equal(f.cameras, 5);
    assert.ok(Math.abs(f.meanFps - 0.6) < 1e-9);
    assert.equal(f.within20, 3);
    assert.equal(f.minFps, 0.3);
    assert.equal(f.maxFps, 0.9);
  });

  it('no camera: zeros, not NaN', () => {
    assert.deepEqual(fairnessOf([]), { meanFps: 0, minFps: 0, maxFps: 0, within20: 0, cameras: 0 });
  });
});
