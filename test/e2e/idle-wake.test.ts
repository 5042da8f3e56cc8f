import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { resolveFfmpegPath } from '../../src/ingest';
import { CLIP, FACES, VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { startRtspTcpCamera } from '../helpers/rtsp-tcp-camera';
import { startGateway, type Gateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
// Not a whole number of key-frame intervals: the face must arrive on a P-frame, as it would at random.
const IDLE_SECONDS = 6.5;

interface Event {
  readonly type: string;
  readonly time: string;
  readonly data: { state?: string; previousState?: string; idle?: boolean; reason?: string | null; identity?: { name: string }; firstSeen?: string; trackId?: string };
}

/**
 * An empty scene (grey with sensor-like noise, so P-frames are small but never empty) for
 * IDLE_SECONDS, then the stage clip: a face walking into an idle camera. Key frame every second,
 * no extra key frame at the cut (scene-cut detection off): only motion can wake the camera early.
 */
async function idleThenFace(dir: string): Promise<string> {
  const out = join(dir, 'idle-then-face.mp4');
  await run(resolveFfmpegPath(process.env.FFMPEG_PATH), [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=0x505a64:s=640x360:r=30:d=${IDLE_SECONDS}`, '-i', CLIP,
    '-filter_complex', '[0:v]noise=alls=6:allf=t,format=yuv420p[a];[1:v]fps=30,format=yuv420p[b];[a][b]concat=n=2:v=1:a=0[v]',
    '-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', out,
  ]);
  return out;
}

/**
 * Issue "idle cameras nearly free", end to end: a live RTSP camera (GStreamer's server, RTP over
 * TCP) shows an empty scene, goes idle (key frames only), wakes on compressed-domain motion when
 * the face appears, without reconnecting, and the face is named.
 */
describe('an idle camera wakes on motion and names the face (live RTSP over TCP)', () => {
  const group = new ProcessGroup();
  let gateway: Gateway;
  const events: Event[] = [];
  let socket: WebSocket;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-idle-'));
    const clip = await idleThenFace(dir);
    const camera = await startRtspTcpCamera(group, clip);
    gateway = await startGateway(group, {
      ingest: { idle: { afterMs: 2000 } },
      recognition: { galleryPollMs: 200 },
      cameras: [],
    });
    const env = { ...process.env, VIGIL_DATA_DIR: gateway.dataDir, VIGIL_CONFIG: '' };
    await run(process.execPath, [VIGIL_BIN, 'enroll', '--name', 'Lin-Manuel Miranda', join(FACES, 'lin_manuel_miranda', 'lin1.png')], { env });
    await waitFor(() => gateway.logs.some((l) => l.msg === 'gallery reloaded' && l.identities === 1), { timeoutMs: 10_000, what: 'the gateway reloading the gallery' });
    socket = new WebSocket(gateway.wsUrl);
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as Event));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    // Added once everything listens, so the whole session (empty scene first) is seen.
    const added = await fetch(`${gateway.baseUrl}/v1/cameras`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hall', url: camera.url, fps: 5 }) });
    assert.equal(added.status, 201, await added.text());
  });

  after(async () => {
    socket?.close();
    await group.killAll();
  });

  it('goes idle in the empty scene, wakes on motion when the face comes, and recognises it', async () => {
    const status = (): Event[] => events.filter((e) => e.type === 'vigil.camera.status');
    await waitFor(() => status().some((e) => e.data.idle === true), { timeoutMs: 20_000, what: 'the camera going idle' });
    const idle = status().find((e) => e.data.idle === true) as Event;
    assert.match(idle.data.reason ?? '', /^idle: no face or motion/);
    assert.equal(idle.data.state, 'streaming', 'idle is not a state change: the camera keeps streaming');
    const recognized = await waitFor(() => events.find((e) => e.type === 'vigil.face.recognized'), { timeoutMs: 30_000, what: 'Lin-Manuel Miranda recognised' });
    assert.equal(recognized.data.identity?.name, 'Lin-Manuel Miranda');

    const woke = status().find((e) => e.data.idle === false && Date.parse(e.time) > Date.parse(idle.time));
    assert.ok(woke, `woke after going idle: ${JSON.stringify(status().map((e) => e.data.reason))}`);
    assert.match(woke.data.reason ?? '', /^woke: motion/, 'compressed-domain motion woke it, before any key frame with the face');
    assert.ok(Date.parse(recognized.data.firstSeen ?? '') >= Date.parse(woke.time) - 1000, 'the face was tracked from the wake-up on');
    const states = status().filter((e) => e.data.state !== e.data.previousState).map((e) => e.data.state);
    assert.deepEqual(states, ['starting', 'streaming'], `no reconnect to wake up: ${states.join(' → ')}`);

    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    assert.match(metrics, /^vigil_camera_wake_seconds_count\{camera="hall"\} [1-9]/m);
    assert.match(metrics, /^vigil_camera_work_changes_total\{camera="hall",to="idle"\} [1-9]/m);
    const wake = /^vigil_camera_wake_seconds_sum\{camera="hall"\} ([\d.e-]+)/m.exec(metrics)?.[1];
    process.stdout.write(`# wake-up: motion packet -> first analysed frame after it ${(Number(wake) * 1000).toFixed(0)} ms\n`);
  });
});
