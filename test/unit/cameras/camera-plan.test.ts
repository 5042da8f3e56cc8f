import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { desiredCameras, planCameras, type DesiredCamera } from '../../../src/cameras';
import { parseConfig } from '../../../src/config';

const cam = (id: string, extra: Record<string, unknown> = {}) => parseConfig({ cameras: [{ id, url: `rtsp://10.0.0.1/${id}`, ...extra }] }, 't').cameras[0] as DesiredCamera['config'];

describe('camera registry plan', () => {
  it('lets streams.yaml win on a shared id and reports the shadowed API camera', () => {
    const { cameras, shadowed } = desiredCameras([cam('a'), cam('b')], [cam('b', { fps: 1 }), cam('c')]);
    assert.deepEqual(cameras.map((c) => [c.config.id, c.origin, c.config.fps]), [['a', 'config', 5], ['b', 'config', 5], ['c', 'api', 5]]);
    assert.deepEqual(shadowed, ['b']);
  });

  it('starts new cameras, restarts changed ones, stops removed ones and leaves the rest alone', () => {
    const running = new Map<string, DesiredCamera>([
      ['same', { config: cam('same'), origin: 'config' }],
      ['changed', { config: cam('changed'), origin: 'config' }],
      ['moved', { config: cam('moved'), origin: 'api' }],
      ['gone', { config: cam('gone'), origin: 'api' }],
    ]);
    const plan = planCameras(running, [
      { config: cam('same'), origin: 'config' },
      { config: cam('changed', { fps: 2 }), origin: 'config' },
      { config: cam('moved'), origin: 'config' },
      { config: cam('new'), origin: 'api' },
    ]);
    assert.deepEqual({ add: plan.add.map((c) => c.config.id), replace: plan.replace.map((c) => c.config.id), remove: plan.remove }, { add: ['new'], replace: ['changed', 'moved'], remove: ['gone'] });
  });
});
