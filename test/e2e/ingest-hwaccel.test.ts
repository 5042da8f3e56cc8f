import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLIP } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';

/** This machine's devices decide what the native decoder may use; the test is about their absence. */
const HAS_GPU = existsSync('/dev/nvidia0') || existsSync('/dev/dri');

/**
 * Hardware decoding in the native decoder (FFmpeg 8 libraries) on a machine without a GPU:
 * a camera asking for CUDA or VA-API, and one asking for `auto`, decode in software and say why
 * (API, metric, log); the global default (`none`) never tries a device.
 */
describe('ingest: hardware decoding falls back to software when the device is absent (native decoder)', { skip: HAS_GPU && 'this machine has a GPU device' }, () => {
  const group = new ProcessGroup();
  let gateway: Gateway;

  before(async () => {
    const camera = (id: string, extra: object = {}) => ({ id, url: `file:${CLIP}`, fps: 5, width: 320, height: 180, recognition: false, ...extra });
    gateway = await startGateway(group, {
      gateway: { allowLocalFiles: true },
      ingest: { idle: { mode: 'off' } },
      cameras: [camera('soft'), camera('cuda', { hwaccel: 'cuda' }), camera('vaapi', { hwaccel: 'vaapi' }), camera('auto', { hwaccel: 'auto' })],
    });
  });
  after(async () => group.killAll());

  it('decodes every camera, in software, with the reason shown in GET /v1/cameras, the metrics and the log', async () => {
    await waitFor(async () => [...(await cameras(gateway.baseUrl)).values()].every((c) => c.framesDecoded >= 5), { timeoutMs: 45_000, what: 'every camera decoding' });
    const all = await cameras(gateway.baseUrl);
    assert.deepEqual(all.get('soft')?.hwaccel, { requested: 'none', active: 'none', reason: null });
    const cuda = all.get('cuda')?.hwaccel;
    assert.deepEqual([cuda?.requested, cuda?.active], ['cuda', 'none']);
    // FFmpeg's own words are kept: the library it could not load.
    assert.match(cuda?.reason ?? '', /^cuda: .*decoding in software.*libcuda/s);
    const vaapi = all.get('vaapi')?.hwaccel;
    assert.deepEqual([vaapi?.requested, vaapi?.active], ['vaapi', 'none']);
    assert.match(vaapi?.reason ?? '', /^vaapi: /);
    const auto = all.get('auto')?.hwaccel;
    assert.deepEqual([auto?.requested, auto?.active], ['auto', 'none']);
    assert.match(auto?.reason ?? '', /^no hardware decoder works here \(cuda: .*vaapi: .*qsv: .*vulkan: .*\); decoding in software/);

    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    for (const [camera, requested] of [['cuda', 'cuda'], ['vaapi', 'vaapi'], ['auto', 'auto']]) {
      assert.match(metrics, new RegExp(`vigil_camera_hwaccel\\{camera="${camera}",requested="${requested}",active="none"\\} 1`));
      assert.match(metrics, new RegExp(`vigil_camera_hwaccel_fallbacks_total\\{camera="${camera}",requested="${requested}"\\} [1-9]`));
    }
    assert.match(metrics, /vigil_camera_hwaccel\{camera="soft",requested="none",active="none"\} 1/);
    assert.doesNotMatch(metrics, /vigil_camera_hwaccel_fallbacks_total\{camera="soft"/, 'software by choice is no fallback');
    const warned = gateway.logs.filter((l) => l.level === 40 && String(l.msg).startsWith('hardware decoding (')).map((l) => l.camera);
    assert.deepEqual(warned.sort(), ['auto', 'cuda', 'vaapi']);
  });
});
