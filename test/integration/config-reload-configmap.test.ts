import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ConfigMapVolume } from '../helpers/configmap';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { waitFor } from '../helpers/wait';

/**
 * A streams file mounted from a Kubernetes ConfigMap: the update is a `..data` symlink swap that
 * no event names `streams.yaml`. The running App applies each new camera list. (That a re-sync
 * with the same content reloads nothing is shown in test/unit/control/config-watcher.test.ts.)
 */
describe('streams.yaml from a ConfigMap volume, on the real App', () => {
  let t: TestApp | null = null;
  after(async () => t?.stop());

  it('picks up the new camera list after each ..data swap', async () => {
    const camera = (id: string) => ({ id, url: `rtsp://127.0.0.1:1/${id}`, enabled: false });
    const first = { cameras: [camera('gate')] };
    const volume = new ConfigMapVolume(stringify(first));
    t = await startTestApp(first, { env: { VIGIL_CONFIG: volume.path } });
    const app = t;
    const ids = async () => ((await app.request({ method: 'GET', url: '/v1/cameras', as: 'viewer' })).json() as { id: string; origin: string }[]).map((c) => `${c.id}:${c.origin}`);
    const reloads = () => app.logs.filter((line) => line.includes('"streams file reloaded"')).length;
    assert.deepEqual(await ids(), ['gate:config']);

    volume.update(stringify({ cameras: [camera('gate'), camera('dock')] }));
    await waitFor(async () => (await ids()).includes('dock:config'), { timeoutMs: 10_000, what: 'the swapped-in camera list applied' });
    assert.equal(reloads(), 1);

    volume.update(stringify({ cameras: [camera('dock')] }));
    await waitFor(async () => (await ids()).join() === 'dock:config', { timeoutMs: 10_000, what: 'the camera removed by the next version gone' });
    assert.equal(reloads(), 2, 'one reload per update');
  });
});
