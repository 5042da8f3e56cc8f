import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, childPids, exited } from '../helpers/processes';
import { startGateway, type Gateway } from '../helpers/gateway';
import { startRtspTcpCamera } from '../helpers/rtsp-tcp-camera';
import { startKafkaMock } from '../helpers/kafka-mock';
import { cameras } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';
import { api, cameraList, startMember } from '../helpers/cluster';

const FILE_PASSWORD = 'FilePw-q7Zr-never-in-argv';
const API_PASSWORD = 'ApiPw-x3Kd-never-in-argv';
const SECRETS = [FILE_PASSWORD, API_PASSWORD];

/** Every readable /proc/PID/cmdline on the machine, as any local user can read them. */
function everyCommandLine(): { pid: string; args: string }[] {
  const out: { pid: string; args: string }[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      out.push({ pid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      // Gone, or not readable.
    }
  }
  return out;
}

/** The gateway and everything under it. */
function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i] as number));
  return all;
}

function leaks(pids?: readonly number[]): string[] {
  const found: string[] = [];
  for (const { pid, args } of everyCommandLine()) if (SECRETS.some((s) => args.includes(s) || args.includes(encodeURIComponent(s)))) found.push(`cmdline of ${pid}: ${args.slice(0, 200)}`);
  for (const pid of pids ?? []) {
    let environ = '';
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (SECRETS.some((s) => environ.includes(s))) found.push(`environment of ${pid}`);
  }
  return found;
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const octal = (m: number): string => `0${m.toString(8)}`;

async function stop(gateway: Gateway): Promise<void> {
  gateway.process.kill('SIGTERM');
  assert.equal(await exited(gateway.process, 20_000), 0);
}

describe('secrets stay out of process lists; the data directory is private', () => {
  const group = new ProcessGroup();
  let rtspUrl: string;
  let kafka: string;

  before(async () => {
    rtspUrl = (await startRtspTcpCamera(group, CLIP)).url;
    kafka = (await startKafkaMock(group, 'vigil.events')).bootstrap;
  });
  after(async () => group.killAll());

  let dataDir: string;

  it('native decoder: no camera password in any /proc/*/cmdline (or our environments) while streams-file and API cameras stream; fresh data dir 0700, its files 0600', async () => {
    const withPassword = rtspUrl.replace('rtsp://', `rtsp://admin:${FILE_PASSWORD}@`);
    const gateway = await startGateway(
      group,
      { gateway: { restartDelayMs: 200, restartDelayMaxMs: 1000 }, kafka: { idempotent: false }, cameras: [{ id: 'file-cam', url: withPassword, fps: 5 }] },
      { KAFKA_BROKERS: kafka },
    );
    dataDir = gateway.dataDir;
    try {
      const added = await fetch(`${gateway.baseUrl}/v1/cameras`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'api-cam', url: rtspUrl, username: 'admin', password: API_PASSWORD, fps: 5 }),
      });
      assert.equal(added.status, 201, await added.text());
      await waitFor(async () => {
        const list = await cameras(gateway.baseUrl);
        return list.get('file-cam')?.state === 'streaming' && list.get('api-cam')?.state === 'streaming';
      }, { timeoutMs: 60_000, what: 'both cameras streaming' });
      const pid = gateway.process.pid as number;
      assert.ok(tree(pid).length >= 3, 'the gateway runs a decoder process per camera');
      assert.deepEqual(leaks(tree(pid)), []);

      // A snapshot (face crop) is written once a track is answered.
      const snapshots = join(dataDir, 'snapshots');
      const jpeg = await waitFor(() => readdirSync(snapshots).find((f) => f.endsWith('.jpg')), { timeoutMs: 90_000, what: 'a snapshot on disk' });
      assert.deepEqual(leaks(tree(pid)), [], 'still none later');
      const expected: [string, number][] = [
        ['.', 0o700],
        ['control.db', 0o600],
        ['control.db-wal', 0o600],
        ['control.db-shm', 0o600],
        ['gallery.db', 0o600],
        ['gallery.db-wal', 0o600],
        ['gallery.db-shm', 0o600],
        ['snapshots', 0o700],
        [`snapshots/${jpeg}`, 0o600],
        ['kafka-journal', 0o700],
        ['kafka-journal/vigil.events', 0o700],
      ];
      for (const [name, wanted] of expected) assert.equal(octal(mode(join(dataDir, name))), octal(wanted), name);
      const segments = readdirSync(join(dataDir, 'kafka-journal', 'vigil.events'));
      assert.ok(segments.length > 0);
      for (const segment of segments) assert.equal(octal(mode(join(dataDir, 'kafka-journal', 'vigil.events', segment))), '0600', segment);
    } finally {
      await stop(gateway);
    }
  });

  it('ffmpeg decoder: a camera URL with credentials is refused unless opted in; looser modes left behind are tightened at start, with a log line', async () => {
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'gallery.db'), 0o644);
    const jpeg = readdirSync(join(dataDir, 'snapshots')).find((f) => f.endsWith('.jpg')) as string;
    chmodSync(join(dataDir, 'snapshots', jpeg), 0o644);
    const gateway = await startGateway(
      group,
      {
        gateway: { restartDelayMs: 200, restartDelayMaxMs: 1000 },
        ingest: { decoder: 'ffmpeg' },
        cameras: [
          { id: 'with-password', url: rtspUrl.replace('rtsp://', `rtsp://admin:${FILE_PASSWORD}@`), fps: 5, recognition: false },
          { id: 'plain', url: rtspUrl, fps: 5, recognition: false },
        ],
      },
      { VIGIL_DATA_DIR: dataDir },
    );
    try {
      const line = gateway.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('data directory: tightened'));
      assert.ok(line, 'the tightening is logged');
      assert.equal(line.count, 3);
      assert.equal(octal(mode(dataDir)), '0700');
      assert.equal(octal(mode(join(dataDir, 'gallery.db'))), '0600');
      assert.equal(octal(mode(join(dataDir, 'snapshots', jpeg))), '0600');

      await waitFor(async () => (await cameras(gateway.baseUrl)).get('plain')?.state === 'streaming', { timeoutMs: 60_000, what: 'the plain camera streaming on ffmpeg' });
      const refused = (await cameras(gateway.baseUrl)).get('with-password');
      assert.equal(refused?.state, 'failed');
      assert.equal(refused?.lastError?.code, 'VIGIL_ERR_CREDENTIALS_ON_COMMAND_LINE');
      const added = await fetch(`${gateway.baseUrl}/v1/cameras`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'api-cam-2', url: rtspUrl, username: 'admin', password: API_PASSWORD }),
      });
      assert.equal(added.status, 400);
      assert.equal(((await added.json()) as { error: { code: string } }).error.code, 'VIGIL_ERR_CREDENTIALS_ON_COMMAND_LINE');
      const pid = gateway.process.pid as number;
      assert.ok(tree(pid).some((p) => (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] ?? '').endsWith('ffmpeg')), 'ffmpeg runs the plain camera');
      assert.deepEqual(leaks(tree(pid)), []);
    } finally {
      await stop(gateway);
    }
  });

  it('cluster mode: cameras from the shared streams file and from the API reach their decoders the same way, no password in any /proc/*/cmdline', async () => {
    const member = await startMember(group, 'gw-secrets', kafka, {
      gateway: { restartDelayMs: 200, restartDelayMaxMs: 1000 },
      kafka: { idempotent: false },
      cluster: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, viewIntervalMs: 500 },
      cameras: [{ id: 'cluster-file-cam', url: rtspUrl.replace('rtsp://', `rtsp://admin:${FILE_PASSWORD}@`), fps: 2, recognition: false }],
    });
    try {
      const added = await api(member, '/v1/cameras', { method: 'POST', body: JSON.stringify({ id: 'cluster-api-cam', url: rtspUrl, username: 'admin', password: API_PASSWORD, fps: 2, recognition: false }) });
      assert.equal(added.status, 201, await added.text());
      await waitFor(async () => {
        const list = await cameraList(member);
        return ['cluster-file-cam', 'cluster-api-cam'].every((id) => list.find((c) => c.id === id)?.state === 'streaming');
      }, { timeoutMs: 90_000, what: 'both cameras streaming on the only member' });
      const pid = member.process.pid as number;
      assert.ok(tree(pid).length >= 3, 'the member runs a decoder process per camera');
      assert.deepEqual(leaks(tree(pid)), []);
    } finally {
      await stop(member);
    }
  });
});
