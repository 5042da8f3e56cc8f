import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIGIL_BIN } from '../helpers/paths';
import { freePort } from '../helpers/ports';

const vigil = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [VIGIL_BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * The CLI as operators run it: a real process per command line. Each command answers --help
 * itself (before this, `vigil events --help` said "Unknown option '--help'" and exited 1, and
 * `vigil serve --help` started the gateway).
 */
describe('vigil processes: help, version, config check', () => {
  for (const command of ['serve', 'detect', 'enroll', 'identities', 'cameras', 'not-person', 'compare', 'events', 'config']) {
    it(`vigil ${command} --help exits 0 with its usage`, () => {
      const run = vigil([command, '--help']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: vigil ${command} `));
      assert.equal(run.stderr, '');
    });
  }

  it('vigil serve --help starts nothing: no port is opened, it exits at once', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-help-'));
    const run = vigil(['serve', '--help'], { VIGIL_PORT: String(port), VIGIL_DATA_DIR: join(dir, 'data') });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: vigil serve/);
    assert.doesNotMatch(run.stdout + run.stderr, /Vigil listening|inference pool/);
    assert.equal(await listening(port), false);
  });

  it('vigil --version and vigil enroll --version print the package version', () => {
    for (const args of [['--version'], ['enroll', '--version'], ['identities', 'list', '--version']]) {
      const run = vigil(args);
      assert.deepEqual([run.status, run.stdout], [0, '0.1.0\n'], args.join(' '));
    }
  });

  it('vigil config check: what a file would run, redacted; exit 2 naming the bad field or the unset variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-check-'));
    const file = join(dir, 'streams.yaml');
    writeFileSync(
      file,
      ['gateway:', '  instanceId: gw-7', 'cameras:', '  - id: gate', '    url: rtsp://cam:${GATE_PW}@127.0.0.1:8554/live', '    fps: 8', '  - id: dock', '    url: rtsp://127.0.0.1:8554/dock?token=${DOCK_TOKEN:-t0k3n-default}', '    enabled: false', '    stallTimeoutMs: 20000'].join('\n'),
    );
    const env = { GATE_PW: 'gate-pw-never-shown', VIGIL_DATA_DIR: join(dir, 'data') };
    const ok = vigil(['config', 'check', file], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /: valid\ninstance: gw-7\ncameras \(2\):\n  gate  enabled  rtsp:\/\/cam:\*\*\*@127\.0\.0\.1:8554\/live  8 fps 640x360\n  dock  disabled  rtsp:\/\/127\.0\.0\.1:8554\/dock\?token=\*\*\*  5 fps 640x360  stallTimeoutMs=20000\n/);
    assert.match(ok.stdout, /settings that differ from the defaults:\n  gateway\.instanceId: "gw-7"\n/);
    assert.match(ok.stdout, /nothing was started\.\n$/);
    assert.ok(!ok.stdout.includes('gate-pw-never-shown') && !ok.stdout.includes('t0k3n-default'));
    const json = JSON.parse(vigil(['config', 'check', '--json', file], env).stdout) as { cameras: { id: string; url: string }[] };
    assert.deepEqual(json.cameras.map((c) => c.url), ['rtsp://cam:***@127.0.0.1:8554/live', 'rtsp://127.0.0.1:8554/dock?token=***']);

    const unset = vigil(['config', 'check', file]);
    assert.equal(unset.status, 2);
    assert.match(unset.stderr, /cameras\[0\]\.url: environment variable GATE_PW is not set/);

    writeFileSync(join(dir, 'bad.yaml'), 'cameras:\n  - id: a\n    url: rtsp://h/s\n    fps: fast\n');
    const bad = vigil(['config', 'check', join(dir, 'bad.yaml')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /cameras\[0\]\.fps: Invalid input: expected number, received string \[VIGIL_ERR_CONFIG_INVALID\]/);

    // The photo tools read the same file for their settings, but never open a camera: a camera
    // password that this shell does not hold is no reason to refuse them.
    const tools = spawnSync(process.execPath, [VIGIL_BIN, 'identities', 'list', '--json'], { cwd: dir, env: { ...process.env, VIGIL_CONFIG: '', VIGIL_DATA_DIR: join(dir, 'data') }, encoding: 'utf8', timeout: 30_000 });
    assert.deepEqual([tools.status, tools.stdout], [0, '[]\n'], tools.stderr);

    writeFileSync(join(dir, 'scheme.yaml'), 'cameras:\n  - id: a\n    url: ftp://h/s\n');
    const scheme = vigil(['config', 'check', join(dir, 'scheme.yaml')]);
    assert.equal(scheme.status, 2, 'a URL the gateway would refuse is reported');
    assert.match(scheme.stdout, /a  REFUSED .*\n    cameras\[0\]\.url: camera URL scheme "ftp:" is not supported.*\[VIGIL_ERR_URL_SCHEME\]/);
  });
});
