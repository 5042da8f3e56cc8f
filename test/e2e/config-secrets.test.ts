import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLIP, VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { startGateway } from '../helpers/gateway';
import { makeJpegFrames, serveMjpeg, type HttpCamera } from '../helpers/http-cameras';
import { waitFor } from '../helpers/wait';

const SECRET = 'Cam-Secret-9f3b1c77e2-never-logged';

/**
 * A camera password kept out of streams.yaml: `${CAM_PASSWORD}` in the URL, its value in a secret
 * file named by CAM_PASSWORD_FILE. The camera (an MJPEG server with Basic auth) streams only with
 * the right password, which proves the substitution reached ffmpeg; the password never shows in
 * the gateway's output (debug level), the API, the metrics, or `vigil config check`.
 */
describe('streams.yaml ${VAR} substitution with a secret file, on the real gateway', () => {
  const group = new ProcessGroup();
  let camera: HttpCamera | null = null;
  after(async () => {
    await group.killAll();
    await camera?.close();
  });

  it('streams with the substituted password and never prints it', async () => {
    camera = await serveMjpeg(makeJpegFrames(CLIP, 5), 5, { basicAuth: { user: 'cam', password: SECRET } });
    const secrets = mkdtempSync(join(tmpdir(), 'vigil-secrets-'));
    writeFileSync(join(secrets, 'cam-password'), `${SECRET}\n`, { mode: 0o600 });
    const env = { CAM_PASSWORD_FILE: join(secrets, 'cam-password'), CAM_FPS: '5', LOG_LEVEL: 'debug' };
    const streams = { cameras: [{ id: 'door', url: `http://cam:\${CAM_PASSWORD}@127.0.0.1:${camera.port}/video.mjpg`, fps: '${CAM_FPS}', recognition: false }] };
    const gateway = await startGateway(group, streams, env);

    const cameras = async (): Promise<string> => (await fetch(`${gateway.baseUrl}/v1/cameras`)).text();
    await waitFor(async () => (JSON.parse(await cameras()) as { state: string }[])[0]?.state === 'streaming', { timeoutMs: 30_000, what: 'the camera streaming with the password from the secret file' });
    assert.ok(camera.requests.includes('/video.mjpg'));
    const apiText = await cameras();
    const [view] = JSON.parse(apiText) as { url: string; fps: number }[];
    assert.deepEqual(view, { ...view, url: `http://cam:***@127.0.0.1:${camera.port}/video.mjpg`, fps: 5 });

    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    const check = spawnSync(process.execPath, [VIGIL_BIN, 'config', 'check', join(dirname(gateway.dataDir), 'streams.yaml')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, new RegExp(`door  enabled  http://cam:\\*\\*\\*@127\\.0\\.0\\.1:${camera.port}/video\\.mjpg  5 fps 640x360`));

    signalGroup(gateway.process, 'SIGTERM');
    assert.equal(await exited(gateway.process, 20_000), 0);
    const { stdout, stderr } = gateway.output();
    assert.ok(gateway.logs.length > 5 && gateway.logs.some((l) => l.level === 20), 'debug lines were logged');
    for (const [where, text] of Object.entries({ stdout, stderr, 'GET /v1/cameras': apiText, metrics, 'config check': check.stdout + check.stderr })) {
      assert.ok(!text.includes(SECRET), `the password is not in ${where}`);
    }
  });
});
