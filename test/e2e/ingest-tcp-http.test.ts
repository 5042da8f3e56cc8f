import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, alive, cmdline, connectedTo, decoderPids, exited, signalGroup, socketsOf } from '../helpers/processes';
import { startRtspTcpCamera, type RtspTcpCamera } from '../helpers/rtsp-tcp-camera';
import { makeHlsFolder, makeJpegFrames, serveFolder, serveMjpeg, type HttpCamera } from '../helpers/http-cameras';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras, watchStatus, type StatusWatcher } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';

const MJPEG_FPS = 5;

/** The argument list of a live process, from /proc. */

/**
 * The transports issue 3's other tests do not reach, each against a real server: RTSP over TCP (the
 * default transport) from GStreamer's RTSP server, HLS over HTTP, and an IP camera's MJPEG feed
 * (multipart/x-mixed-replace). Plus the protocol whitelist under HLS: a playlist that points at a
 * local file must not get it read.
 */
describe('ingest: RTSP over TCP, HLS and MJPEG over HTTP from real servers', () => {
  const group = new ProcessGroup();
  let rtsp: RtspTcpCamera;
  let hls: HttpCamera;
  let mjpeg: HttpCamera;
  let gateway: Gateway;
  let watcher: StatusWatcher;

  before(async () => {
    rtsp = await startRtspTcpCamera(group, CLIP);
    const hlsDir = makeHlsFolder(CLIP);
    // A real, playable MPEG-TS segment outside the served folder: were the whitelist to let
    // file: through, ffmpeg would read it and the camera would stream from it.
    const localSegment = join(mkdtempSync(join(tmpdir(), 'vigil-local-')), 'secret.ts');
    copyFileSync(join(hlsDir, 'index0.ts'), localSegment);
    writeFileSync(
      join(hlsDir, 'local.m3u8'),
      ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXTINF:2.0,', `file://${localSegment}`, '#EXT-X-ENDLIST', ''].join('\n'),
    );
    hls = await serveFolder(hlsDir);
    mjpeg = await serveMjpeg(makeJpegFrames(CLIP, MJPEG_FPS), MJPEG_FPS);
    gateway = await startGateway(group, {
      gateway: { allowLocalFiles: false, restartDelayMs: 500, restartDelayMaxMs: 2000 },
      cameras: [
        // No rtspTransport: the default (tcp) is what is under test.
        { id: 'rtsptcp', url: rtsp.url, fps: 5, width: 320, height: 180 },
        { id: 'hls', url: `http://127.0.0.1:${hls.port}/index.m3u8`, fps: 5, width: 320, height: 180 },
        { id: 'mjpeg', url: `http://127.0.0.1:${mjpeg.port}/video.mjpg`, fps: 5, width: 320, height: 180 },
        { id: 'hlslocal', url: `http://127.0.0.1:${hls.port}/local.m3u8`, fps: 5, width: 320, height: 180 },
      ],
    });
    watcher = await watchStatus(gateway.wsUrl);
  });

  after(async () => {
    watcher?.close();
    await Promise.all([hls?.close(), mjpeg?.close()]);
    await group.killAll();
  });

  it('streams RTSP over TCP by default: RTP comes over the RTSP connection (no UDP socket) and frames are analysed', async () => {
    // The clip is 10 s long and each RTSP session plays it once, so look at the decoder while it streams.
    await waitFor(async () => (await cameras(gateway.baseUrl)).get('rtsptcp')?.state === 'streaming', { timeoutMs: 30_000, what: 'RTSP/TCP camera streaming' });
    const decoders = decoderPids(gateway.process.pid as number);
    for (const pid of decoders) assert.ok(!cmdline(pid).join(' ').includes(rtsp.url), 'no camera URL on a decoder command line');
    // The RTSP decoder is the one with a TCP connection to the RTSP server's port; it has no UDP socket.
    const port = new URL(rtsp.url).port;
    const sockets = decoders.map((pid) => ({ pid, ...socketsOf(pid), connected: connectedTo(pid, Number(port)) })).find((s) => s.connected);
    assert.ok(sockets, `a decoder connected to the RTSP server: ${JSON.stringify(decoders.map((pid) => ({ pid, ...socketsOf(pid) })))}`);
    assert.equal(sockets.udp, 0, 'RTP over the RTSP TCP connection: no UDP socket');
    await waitFor(async () => ((await cameras(gateway.baseUrl)).get('rtsptcp')?.framesAnalyzed ?? 0) >= 5, { timeoutMs: 30_000, what: 'RTSP/TCP frames analysed' });
  });

  it('streams an HLS playlist over HTTP, fetching its segments, and analyses frames', async () => {
    await waitFor(async () => ((await cameras(gateway.baseUrl)).get('hls')?.framesAnalyzed ?? 0) >= 5, { timeoutMs: 30_000, what: 'HLS frames analysed' });
    assert.ok(watcher.states('hls').includes('streaming') || (await cameras(gateway.baseUrl)).get('hls')?.state === 'streaming', `hls reached streaming: ${watcher.states('hls').join(' → ')}`);
    assert.ok(hls.requests.includes('/index.m3u8'), 'the playlist was fetched');
    assert.ok(hls.requests.some((path) => /^\/index\d+\.ts$/.test(path)), `segments were fetched over HTTP: ${hls.requests.join(', ')}`);
  });

  it("streams an IP camera's MJPEG feed (multipart/x-mixed-replace) and analyses frames", async () => {
    await waitFor(async () => (await cameras(gateway.baseUrl)).get('mjpeg')?.state === 'streaming', { timeoutMs: 30_000, what: 'MJPEG camera streaming' });
    await waitFor(async () => ((await cameras(gateway.baseUrl)).get('mjpeg')?.framesAnalyzed ?? 0) >= 5, { timeoutMs: 30_000, what: 'MJPEG frames analysed' });
    assert.equal((await cameras(gateway.baseUrl)).get('mjpeg')?.lastError, null);
  });

  it('never reads a local file an HLS playlist points at: the camera fails with the blocked protocol named', async () => {
    await waitFor(async () => (await cameras(gateway.baseUrl)).get('hlslocal')?.state === 'failed', { timeoutMs: 30_000, what: 'hlslocal failed' }).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify((await cameras(gateway.baseUrl)).get('hlslocal'))}`);
    });
    const camera = (await cameras(gateway.baseUrl)).get('hlslocal');
    assert.ok(hls.requests.includes('/local.m3u8'), 'the playlist itself was fetched over HTTP');
    assert.equal(camera?.lastError?.code, 'VIGIL_ERR_PROTOCOL_BLOCKED');
    assert.match(camera?.lastError?.message ?? '', /Protocol 'file' not on whitelist 'http,https,tcp,tls,crypto'/);
    assert.match(camera?.stateReason ?? '', /not on whitelist/);
    assert.deepEqual(watcher.states('hlslocal').filter((s) => s === 'streaming'), [], `never streamed: ${watcher.states('hlslocal').join(' → ')}`);
    assert.equal(camera?.framesDecoded, 0, 'no frame came from the local segment');
    assert.equal(camera?.framesAnalyzed, 0);
    assert.equal(camera?.reconnectsLastHour, 0, 'a blocked protocol is not retried');
    // Only the good cameras produced frames; the local segment's path never left the gateway.
    const api = await (await fetch(`${gateway.baseUrl}/v1/cameras`)).text();
    assert.ok(!api.includes('secret.ts') && !JSON.stringify(watcher.events).includes('secret.ts'), 'the local path is in no API answer or event');
  });

  it('stops on SIGTERM and leaves none of its decoders behind', async () => {
    const decoders = decoderPids(gateway.process.pid as number);
    assert.ok(decoders.length >= 1, `${decoders.length} decoder children`);
    signalGroup(gateway.process, 'SIGTERM');
    const code = await exited(gateway.process, 20_000);
    assert.equal(code, 0, `exit code; last logs: ${JSON.stringify(gateway.logs.slice(-8))}`);
    assert.deepEqual(alive(decoders), []);
  });
});
