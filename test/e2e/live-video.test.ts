import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CLIP } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { startGateway, type Gateway } from '../helpers/gateway';
import { startRtspTcpCamera } from '../helpers/rtsp-tcp-camera';
import { liveClips } from '../helpers/live-clips';
import { LiveClient } from '../helpers/live-client';
import { waitFor } from '../helpers/wait';

const MEDIA_INIT = 1;
const MEDIA_KEY = 2;

async function metric(gateway: Gateway, line: RegExp): Promise<number> {
  const text = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : 0;
}

/**
 * Live video through the real gateway: a looping file camera, a heavy one (12 Mbit/s) and an RTSP
 * camera (GStreamer's server over TCP); viewers are real WebSocket clients with tokens.
 */
describe('live video over the gateway', () => {
  const group = new ProcessGroup();
  const token = randomBytes(24).toString('base64url');
  let gateway: Gateway;
  let live: (camera: string, withToken?: string | null) => LiveClient;
  const clients: LiveClient[] = [];

  before(async () => {
    const clips = await liveClips();
    const rtsp = await startRtspTcpCamera(group, CLIP);
    gateway = await startGateway(
      group,
      {
        gateway: { allowLocalFiles: true, restartDelayMs: 200, restartDelayMaxMs: 1000 },
        live: { maxViewersPerCamera: 2, maxViewers: 3, viewerBufferBytes: 65_536 },
        cameras: [
          { id: 'stage', url: `file:${clips.h264}`, loop: true, fps: 2, recognition: false },
          { id: 'heavy', url: `file:${clips.heavy}`, loop: true, fps: 1, recognition: false, width: 320, height: 180 },
          { id: 'rtsp', url: rtsp.url, fps: 2, recognition: false },
        ],
      },
      { VIGIL_TOKENS: `viewer:${token}` },
    );
    const wsBase = gateway.baseUrl.replace('http:', 'ws:');
    live = (camera, withToken = token) => {
      const client = new LiveClient(`${wsBase}/v1/cameras/${camera}/live`, withToken);
      clients.push(client);
      return client;
    };
    await waitFor(async () => ((await (await fetch(`${gateway.baseUrl}/v1/cameras`, { headers: { authorization: `Bearer ${token}` } })).json()) as { state: string }[]).every((c) => c.state === 'streaming'), { timeoutMs: 30_000, what: 'every camera streaming' });
  });

  after(async () => {
    for (const c of clients) c.close();
    await group.killAll();
  });

  it('refuses a viewer without a valid token before the upgrade, and an unknown camera after it (4404)', async () => {
    await assert.rejects(live('stage', null).opened, /upgrade refused: 401/);
    await assert.rejects(live('stage', 'x'.repeat(20)).opened, /upgrade refused: 401/);
    const unknown = live('nope');
    assert.equal((await unknown.closed).code, 4404);
    assert.equal(unknown.texts('error')[0]?.code, 'VIGIL_ERR_CAMERA_NOT_FOUND');
  });

  it('sends the codec, the init segment, then fragments from a key frame; a viewer who joins later starts at once from the cached key frame', async () => {
    const first = live('stage');
    await waitFor(() => first.media.length >= 40, { timeoutMs: 30_000, what: 'forty segments' });
    const [hello] = first.messages;
    assert.deepEqual(hello?.kind === 'text' && hello.json, { kind: 'init', camera: 'stage', codec: 'avc1.42c01e', mime: 'video/mp4; codecs="avc1.42c01e"', width: 640, height: 360 });
    const [init, key, ...rest] = first.media;
    assert.equal(init?.flags, MEDIA_INIT);
    assert.equal(init?.box, 'ftyp');
    assert.ok((key?.flags ?? 0) & MEDIA_KEY);
    assert.ok(rest.every((m) => m.box === 'moof'));
    assert.ok(rest.every((m, i) => i === 0 || m.mediaSeconds > (rest[i - 1] as { mediaSeconds: number }).mediaSeconds), 'media time moves forward (the looping file included)');

    const joinedAt = Date.now();
    const second = live('stage');
    await waitFor(() => second.media.length >= 2, { timeoutMs: 10_000, what: 'the late viewer\'s first segments' });
    const [lateInit, lateKey] = second.media;
    assert.equal(lateInit?.flags, MEDIA_INIT);
    assert.ok((lateKey?.flags ?? 0) & MEDIA_KEY, 'starts at a key frame');
    assert.ok((lateKey?.at ?? Infinity) - joinedAt < 1000, `from the cache, not the next key frame (${(lateKey?.at ?? 0) - joinedAt} ms)`);
    assert.equal(await metric(gateway, /^vigil_live_viewers\{camera="stage"\}/), 2);

    // A third viewer of the same camera is over live.maxViewersPerCamera (2).
    const third = live('stage');
    assert.equal((await third.closed).code, 4429);
    assert.equal(third.texts('error')[0]?.code, 'VIGIL_ERR_LIVE_VIEWER_LIMIT');
    assert.equal(await metric(gateway, /^vigil_live_viewers_refused_total\{reason="camera_limit"\}/), 1);
    assert.ok((await metric(gateway, /^vigil_live_bytes_sent_total\{camera="stage"\}/)) > 10_000);
  });

  it('a viewer that stops reading loses fragments (never queued in the gateway), the others keep theirs; it resumes at a key frame and is told', async () => {
    // Two viewers of `stage` remain: one more (heavy) reaches live.maxViewers (3).
    const slow = live('heavy');
    await slow.opened;
    await waitFor(() => slow.media.length >= 2, { timeoutMs: 20_000, what: 'the slow viewer starting' });
    slow.pause();
    await waitFor(async () => (await metric(gateway, /^vigil_live_segments_dropped_total\{camera="heavy",reason="slow_viewer"\}/)) > 0, { timeoutMs: 60_000, what: 'segments dropped for the stalled viewer' });
    // Meanwhile the stage viewers were served as usual.
    const stage = clients.find((c) => c.media.length > 40 && c.texts('error').length === 0) as LiveClient;
    const before = stage.media.length;
    await waitFor(() => stage.media.length >= before + 20, { timeoutMs: 10_000, what: 'the other viewers still fed' });
    // The gateway's own total was reached: a fourth viewer anywhere is refused.
    const fourth = live('rtsp');
    assert.equal((await fourth.closed).code, 4429);
    assert.match(String(fourth.texts('error')[0]?.message), /live\.maxViewers\b/);
    slow.resume();
    const notice = await waitFor(() => slow.texts('skipped')[0], { timeoutMs: 30_000, what: 'the skipped notice' });
    assert.ok(Number(notice.segments) > 0);
    const at = slow.messages.findIndex((m) => m.kind === 'text' && m.json.kind === 'skipped');
    await waitFor(() => slow.messages.length > at + 1, { timeoutMs: 10_000, what: 'the segment after the notice' });
    const next = slow.messages[at + 1];
    assert.ok(next?.kind === 'media' && next.flags & MEDIA_KEY, 'resumes at a key frame');
    for (const c of clients) c.close();
    await waitFor(async () => (await metric(gateway, /^vigil_live_viewers\{camera="heavy"\}/)) === 0, { timeoutMs: 10_000, what: 'the viewers counted out' });
  });

  it('plays an RTSP camera (the packets the gateway already receives: no second connection)', async () => {
    const viewer = live('rtsp');
    await waitFor(() => viewer.media.length >= 5, { timeoutMs: 30_000, what: 'RTSP segments' });
    assert.match(String(viewer.texts('init')[0]?.codec), /^avc1\.[0-9a-f]{6}$/);
    assert.ok((viewer.media[1]?.flags ?? 0) & MEDIA_KEY);
    viewer.close();
  });

  it('keeps each camera\'s last hour for the health charts: series, summary, bad windows refused', async () => {
    const auth = { headers: { authorization: `Bearer ${token}` } };
    // The RTSP server plays the clip once per session, so that camera may be reconnecting right now:
    // each line must say the state GET /v1/cameras says, whenever it held still around the read.
    const states = async (): Promise<Map<string, string>> => new Map(((await (await fetch(`${gateway.baseUrl}/v1/cameras`, auth)).json()) as { id: string; state: string }[]).map((c) => [c.id, c.state]));
    const before = await states();
    const summaries = (await (await fetch(`${gateway.baseUrl}/v1/health/cameras`, auth)).json()) as { camera: string; state: string; trouble: boolean }[];
    const afterRead = await states();
    assert.deepEqual(summaries.map((s) => s.camera), ['stage', 'heavy', 'rtsp']);
    for (const s of summaries) if (before.get(s.camera) === afterRead.get(s.camera)) assert.equal(s.state, afterRead.get(s.camera), s.camera);
    // The looping files stream throughout.
    assert.deepEqual(summaries.slice(0, 2).map((s) => s.state), ['streaming', 'streaming']);
    const response = await fetch(`${gateway.baseUrl}/v1/cameras/stage/health?window=5m`, auth);
    assert.equal(response.status, 200);
    const view = (await response.json()) as { analysedFps: number[]; dropped: number[]; frameAgeP95Ms: (number | null)[]; state: string[]; bucketMs: number };
    assert.equal(view.bucketMs, 10_000);
    assert.ok(view.analysedFps.length >= 1 && view.analysedFps.length <= 30);
    assert.equal(view.dropped.length, view.analysedFps.length);
    assert.ok(view.analysedFps.some((v) => v > 0), JSON.stringify(view.analysedFps));
    assert.equal((await fetch(`${gateway.baseUrl}/v1/cameras/stage/health?window=2h`, auth)).status, 400);
    assert.equal((await fetch(`${gateway.baseUrl}/v1/cameras/nope/health`, auth)).status, 404);
    assert.equal((await fetch(`${gateway.baseUrl}/v1/health/cameras`)).status, 401);
  });
});

describe('live video with the ffmpeg decoder backend', () => {
  const group = new ProcessGroup();
  after(() => group.killAll());

  it('says clearly that this backend cannot remux (4415, VIGIL_ERR_LIVE_UNSUPPORTED)', async () => {
    const gateway = await startGateway(group, { gateway: { allowLocalFiles: true }, ingest: { decoder: 'ffmpeg' }, cameras: [{ id: 'stage', url: `file:${CLIP}`, fps: 2, recognition: false }] });
    const viewer = new LiveClient(`${gateway.baseUrl.replace('http:', 'ws:')}/v1/cameras/stage/live`, null);
    try {
      assert.equal((await viewer.closed).code, 4415);
      const error = viewer.texts('error')[0];
      assert.equal(error?.code, 'VIGIL_ERR_LIVE_UNSUPPORTED');
      assert.match(String(error?.message), /not supported by this decoder backend/);
    } finally {
      viewer.close();
    }
  });
});
