import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLIP, VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { startGateway, type Gateway } from '../helpers/gateway';
import { subscribe } from '../helpers/event-clients';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const OPERATOR = 'e2e-operator-token-0123456789';
const VIEWER = 'e2e-viewer-token-0123456789ab';
const PASSWORD = 'e2e-Camera-Pw-7731';

/**
 * The real gateway process: a camera added through the API (with credentials) survives a restart,
 * streams.yaml edits apply while running (file watch and SIGHUP), the CLI talks to it, SIGTERM
 * closes WebSockets with 1001 and exits 0, and no password or token ever reaches the log.
 */
describe('control plane on the real gateway process', () => {
  const group = new ProcessGroup();
  after(async () => group.killAll());

  it('persists API cameras across a restart, hot-reloads streams.yaml, stops cleanly on SIGTERM, and never logs secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-api-'));
    const configPath = join(dir, 'streams.yaml');
    const base = { gateway: { allowLocalFiles: true, restartDelayMs: 500, restartDelayMaxMs: 1000 }, cameras: [{ id: 'clip', url: `file:${CLIP}`, fps: 5, recognition: false }] };
    writeFileSync(configPath, stringify(base));
    const env = { VIGIL_CONFIG: configPath, VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_TOKENS: `operator:${OPERATOR},viewer:${VIEWER}` };
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const cameras = async (gw: Gateway) => (await (await fetch(`${gw.baseUrl}/v1/cameras`, { headers: auth(VIEWER) })).json()) as { id: string; origin: string; url: string }[];

    const first = await startGateway(group, base, env);
    const deadPort = await freePort();
    const added = await fetch(`${first.baseUrl}/v1/cameras`, {
      method: 'POST',
      headers: { ...auth(OPERATOR), 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'door', url: `rtsp://127.0.0.1:${deadPort}/live`, username: 'cam', password: PASSWORD }),
    });
    assert.equal(added.status, 201);
    assert.equal(((await added.json()) as { url: string }).url, `rtsp://cam:***@127.0.0.1:${deadPort}/live`);
    assert.equal(statSync(join(dir, 'data', 'control.db')).mode & 0o777, 0o600, 'the database holding camera passwords is private');
    await waitFor(() => first.logs.some((l) => l.camera === 'door' && l.msg === 'decoder ended; reconnecting after a delay'), { timeoutMs: 20_000, what: 'the door camera to try and fail' });

    // Hot reload: the watched file gains a camera, then SIGHUP after an edit removes it again.
    writeFileSync(configPath, stringify({ ...base, cameras: [...base.cameras, { id: 'extra', url: 'rtsp://127.0.0.1:1/x', enabled: false }] }));
    await waitFor(async () => (await cameras(first)).some((c) => c.id === 'extra' && c.origin === 'config'), { timeoutMs: 15_000, what: 'the edited streams.yaml applied' });
    writeFileSync(configPath, stringify(base));
    process.kill(first.process.pid as number, 'SIGHUP');
    await waitFor(async () => !(await cameras(first)).some((c) => c.id === 'extra'), { timeoutMs: 15_000, what: 'the camera removed from streams.yaml gone' });

    // The CLI against the running gateway.
    const cli = spawnSync(process.execPath, [VIGIL_BIN, 'cameras', 'list', '--json'], { env: { ...process.env, VIGIL_URL: first.baseUrl, VIGIL_TOKEN: VIEWER }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual((JSON.parse(cli.stdout) as { id: string }[]).map((c) => c.id), ['clip', 'door']);
    const refused = spawnSync(process.execPath, [VIGIL_BIN, 'cameras', 'disable', 'door'], { env: { ...process.env, VIGIL_URL: first.baseUrl, VIGIL_TOKEN: VIEWER }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /VIGIL_ERR_FORBIDDEN/);

    const client = await subscribe(`${first.wsUrl}?type=vigil.camera.status`, { headers: auth(VIEWER) });
    signalGroup(first.process, 'SIGTERM');
    assert.equal(await exited(first.process, 20_000), 0, 'SIGTERM: clean exit');
    await waitFor(() => client.closeCode !== null, { timeoutMs: 5000, what: 'the WebSocket closed' });
    assert.equal(client.closeCode, 1001);

    const second = await startGateway(group, base, env);
    const after = await cameras(second);
    assert.deepEqual(after.map((c) => [c.id, c.origin]), [['clip', 'config'], ['door', 'api']], 'the API camera survived the restart');
    await waitFor(() => second.logs.some((l) => l.camera === 'door' && l.msg === 'decoder ended; reconnecting after a delay'), { timeoutMs: 20_000, what: 'the restored camera running with its stored URL' });
    signalGroup(second.process, 'SIGTERM');
    assert.equal(await exited(second.process, 20_000), 0);

    for (const [name, gw] of [['first', first], ['second', second]] as const) {
      const text = JSON.stringify(gw.logs);
      for (const secret of [PASSWORD, OPERATOR, VIEWER]) assert.ok(!text.includes(secret), `${name} run: a secret reached the log`);
      assert.ok(text.includes('cam:***@'), `${name} run logged the redacted URL`);
    }
  });
});
