import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffBounds } from '../../src/lifecycle';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, alive, decoderPids, exited, signalGroup } from '../helpers/processes';
import { restartRtspCamera, startRtspCamera, type RtspCamera } from '../helpers/rtsp-camera';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras, watchStatus, type StatusEvent, type StatusWatcher } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';

const POLICY = { baseMs: 500, maxMs: 4000 };
/** Timers fire late on a busy machine; never early. */
const LATE_SLACK_MS = 2000;

/**
 * A camera server that dies and comes back, and a publisher that freezes: the camera must find its
 * way back to `streaming` by itself, with reconnects spaced as the backoff policy says, while a
 * second camera on the same gateway keeps streaming untouched.
 */
describe('ingest: reconnect and stall recovery against a real RTSP server', () => {
  const group = new ProcessGroup();
  let camera: RtspCamera;
  let gateway: Gateway;
  let watcher: StatusWatcher;

  before(async () => {
    camera = await startRtspCamera(group, CLIP);
    gateway = await startGateway(group, {
      gateway: { allowLocalFiles: true, restartDelayMs: POLICY.baseMs, restartDelayMaxMs: POLICY.maxMs },
      ingest: { stallTimeoutMs: 4000, healthyAfterMs: 60_000 },
      cameras: [
        { id: 'door', url: camera.url, rtspTransport: 'udp', fps: 5, width: 320, height: 180 },
        { id: 'steady', url: `file:${CLIP}`, fps: 2, width: 320, height: 180 },
      ],
    });
    await waitFor(async () => [...(await cameras(gateway.baseUrl)).values()].every((c) => c.state === 'streaming'), { timeoutMs: 30_000, what: 'both cameras streaming' });
    watcher = await watchStatus(gateway.wsUrl);
  });

  after(async () => {
    watcher?.close();
    await group.killAll();
  });

  it('goes streaming → backoff → streaming when the server dies and comes back, spacing reconnects by the policy', async () => {
    signalGroup(camera.publisher, 'SIGKILL');
    signalGroup(camera.server, 'SIGKILL');
    await Promise.all([exited(camera.publisher, 5000), exited(camera.server, 5000)]);
    // The server stays down for several reconnect attempts (about five seconds) before it returns.
    await waitFor(() => watcher.events.filter((e) => e.data.camera === 'door' && e.data.state === 'backoff').length >= 4, {
      timeoutMs: 30_000,
      what: 'four reconnect attempts while the server is down',
    });
    const down = (await cameras(gateway.baseUrl)).get('door');
    assert.ok(down && ['backoff', 'starting'].includes(down.state), `door is reconnecting (${down?.state})`);
    assert.equal(down?.lastError?.code, 'VIGIL_ERR_CONNECTION_REFUSED', 'the refused connection is named');
    camera = await restartRtspCamera(group, camera);
    await waitFor(() => watcher.states('door').at(-1) === 'streaming', { timeoutMs: 60_000, what: 'door streaming again' });

    const states = watcher.states('door');
    assert.equal(states[0], states.includes('stalled') ? 'stalled' : 'backoff', `first move out of streaming: ${states.join(' → ')}`);
    assert.ok(!states.includes('failed'), 'a server that comes back is never given up on');
    assertSpacing(watcher.events.filter((e) => e.data.camera === 'door'));

    const view = (await cameras(gateway.baseUrl)).get('door');
    assert.equal(view?.state, 'streaming');
    assert.equal(view?.lastError, null);
    assert.ok((view?.reconnectsLastHour ?? 0) >= 4, `reconnects over the last hour: ${view?.reconnectsLastHour}`);
    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    assert.match(metrics, /^vigil_camera_reconnects_last_hour\{camera="door"\} ([4-9]|\d\d+)$/m);
    assert.match(metrics, /^vigil_camera_state\{camera="door",state="streaming"\} 1$/m);
    assert.deepEqual(watcher.states('steady'), [], 'the other camera never changed state');
  });

  it('shows stalled within the timeout when the publisher freezes, and recovers after SIGCONT', async () => {
    const before = watcher.events.length;
    signalGroup(camera.publisher, 'SIGSTOP');
    try {
      await waitFor(() => watcher.events.slice(before).some((e) => e.data.camera === 'door' && e.data.state === 'stalled'), { timeoutMs: 20_000, what: 'door stalled' });
      const stalled = watcher.events.slice(before).find((e) => e.data.camera === 'door' && e.data.state === 'stalled');
      assert.equal(stalled?.data.previousState, 'streaming');
      assert.equal(stalled?.data.lastError?.code, 'VIGIL_ERR_STREAM_STALLED');
      assert.match(stalled?.data.reason ?? '', /no frame for \d+ s/);
      await waitFor(() => watcher.events.slice(before).some((e) => e.data.camera === 'door' && e.data.state === 'backoff'), { timeoutMs: 10_000, what: 'backoff after the stall' });
    } finally {
      signalGroup(camera.publisher, 'SIGCONT');
    }
    await waitFor(() => watcher.states('door').at(-1) === 'streaming', { timeoutMs: 60_000, what: 'door streaming after SIGCONT' });
    // States entered (a status with the same state, the decode work changing, enters none).
    const after = watcher.events.slice(before).filter((e) => e.data.camera === 'door' && e.data.state !== e.data.previousState).map((e) => e.data.state);
    assert.deepEqual(after.slice(0, 2), ['stalled', 'backoff'], `stall path: ${after.join(' → ')}`);
    const view = (await cameras(gateway.baseUrl)).get('door');
    assert.ok((view?.stallsLastHour ?? 0) >= 1);
    assert.equal((await cameras(gateway.baseUrl)).get('steady')?.state, 'streaming', 'the other camera kept streaming');
  });

  it('stops on SIGTERM and leaves none of its decoders behind', async () => {
    const decoders = decoderPids(gateway.process.pid as number);
    assert.equal(decoders.length, 2, 'one decoder process per camera');
    signalGroup(gateway.process, 'SIGTERM');
    const code = await exited(gateway.process, 20_000);
    assert.equal(code, 0, `exit code; last logs: ${JSON.stringify(gateway.logs.slice(-8))}`);
    assert.deepEqual(alive(decoders), []);
  });
});

/** Each wait between entering backoff and the next start lies within the policy's bounds for its attempt. */
function assertSpacing(all: StatusEvent[]): void {
  // State changes only: a status event also goes out when a camera's work changes (idle, mode) in the same state.
  const events = all.filter((e, i) => i === 0 || e.data.state !== all[i - 1]?.data.state);
  let checked = 0;
  events.forEach((event, i) => {
    if (event.data.state !== 'backoff') return;
    const next = events.slice(i + 1).find((e) => e.data.state === 'starting');
    if (!next) return;
    const gap = Date.parse(next.time) - Date.parse(event.time);
    const { floorMs, ceilingMs } = backoffBounds(POLICY, event.data.attempt - 1);
    assert.ok(gap >= floorMs - 5 && gap <= ceilingMs + LATE_SLACK_MS, `attempt ${event.data.attempt}: waited ${gap} ms, policy [${floorMs}, ${ceilingMs}]`);
    checked += 1;
  });
  assert.ok(checked >= 4, `spacing checked for ${checked} reconnects`);
  const attempts = events.filter((e) => e.data.state === 'backoff').map((e) => e.data.attempt);
  assert.deepEqual(attempts, attempts.map((_, i) => (attempts[0] ?? 1) + i), `attempts count up while the server is down: ${attempts.join(',')}`);
}
