import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, decoderPids } from '../helpers/processes';
import { freePort } from '../helpers/ports';
import { startRtmpCamera, type RtmpCamera } from '../helpers/rtmp-camera';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras, watchStatus, type StatusWatcher } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';

/**
 * One RTMP camera (node-media-server, a real server) streams while eight bad cameras fail around
 * it: each ends in the right state with a named error, none leaks its credentials, and the good
 * camera never notices.
 */
describe('ingest: RTMP source and bad URLs side by side', () => {
  const group = new ProcessGroup();
  let rtmp: RtmpCamera;
  let web: Server;
  let gateway: Gateway;
  let watcher: StatusWatcher;
  const expected: Record<string, { state: string[]; code: string }> = {
    nohost: { state: ['backoff', 'starting'], code: 'VIGIL_ERR_HOST_UNREACHABLE' },
    closed: { state: ['backoff', 'starting'], code: 'VIGIL_ERR_CONNECTION_REFUSED' },
    secret: { state: ['backoff', 'starting'], code: 'VIGIL_ERR_CONNECTION_REFUSED' },
    wrongpath: { state: ['backoff', 'starting'], code: 'VIGIL_ERR_SOURCE_NOT_FOUND' },
    html: { state: ['backoff', 'starting'], code: 'VIGIL_ERR_CORRUPT_DATA' },
    localfile: { state: ['failed'], code: 'VIGIL_ERR_LOCAL_FILES_DISABLED' },
    concat: { state: ['failed'], code: 'VIGIL_ERR_URL_SCHEME' },
    subfile: { state: ['failed'], code: 'VIGIL_ERR_URL_SCHEME' },
  };

  before(async () => {
    rtmp = await startRtmpCamera(group, CLIP);
    web = createServer((request, response) => {
      if (request.url === '/page') response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>Camera login</h1></body></html>');
      else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const webPort = (web.address() as { port: number }).port;
    const closedPort = await freePort();
    gateway = await startGateway(group, {
      gateway: { allowLocalFiles: false, restartDelayMs: 500, restartDelayMaxMs: 2000 },
      cameras: [
        { id: 'live', url: rtmp.url, fps: 5, width: 320, height: 180 },
        { id: 'nohost', url: 'rtsp://camera.does-not-exist.invalid:554/stream', width: 320, height: 180 },
        { id: 'closed', url: `rtsp://127.0.0.1:${closedPort}/stream`, width: 320, height: 180 },
        { id: 'secret', url: `rtmp://admin:hunter2@127.0.0.1:${closedPort}/live/x?token=tok3n`, width: 320, height: 180 },
        { id: 'wrongpath', url: `http://127.0.0.1:${webPort}/missing.mjpg`, width: 320, height: 180 },
        { id: 'html', url: `http://127.0.0.1:${webPort}/page`, width: 320, height: 180 },
        { id: 'localfile', url: `file:${CLIP}`, width: 320, height: 180 },
        { id: 'concat', url: 'concat:/etc/passwd|/etc/hosts', width: 320, height: 180 },
        { id: 'subfile', url: 'subfile:,start,0,end,100,:/etc/passwd', width: 320, height: 180 },
      ],
    });
  });

  after(async () => {
    watcher?.close();
    web?.close();
    await group.killAll();
  });

  it('streams the RTMP camera while every bad camera ends in its state with a named error', async () => {
    await waitFor(async () => (await cameras(gateway.baseUrl)).get('live')?.state === 'streaming', { timeoutMs: 30_000, what: 'RTMP camera streaming' });
    watcher = await watchStatus(gateway.wsUrl);
    await waitFor(
      async () => {
        const all = await cameras(gateway.baseUrl);
        return Object.entries(expected).every(([id, want]) => want.state.includes(all.get(id)?.state ?? '') && all.get(id)?.lastError?.code === want.code);
      },
      { timeoutMs: 45_000, what: 'every bad camera in its expected state with its error' },
    ).catch(async (error: Error) => {
      const seen = [...(await cameras(gateway.baseUrl)).values()].map((c) => `${c.id}: ${c.state} ${c.lastError?.code ?? '-'} ${c.lastError?.message ?? ''}`);
      throw new Error(`${error.message}\n${seen.join('\n')}`);
    });
    const all = await cameras(gateway.baseUrl);
    for (const [id, want] of Object.entries(expected)) {
      const camera = all.get(id);
      assert.ok(camera?.lastError?.message && camera.lastError.message.length > 5, `${id} says why: ${camera?.lastError?.message}`);
      if (want.state.includes('failed')) assert.match(camera?.stateReason ?? '', /.{5,}/, `${id} has a reason`);
    }
    // Retried ones really retry, spaced out, rather than spin.
    await waitFor(async () => ((await cameras(gateway.baseUrl)).get('closed')?.attempt ?? 0) >= 2, { timeoutMs: 20_000, what: 'closed port retried' });

    const live = all.get('live');
    const decodedBefore = live?.framesDecoded ?? 0;
    await waitFor(async () => ((await cameras(gateway.baseUrl)).get('live')?.framesDecoded ?? 0) > decodedBefore + 10, { timeoutMs: 20_000, what: 'RTMP frames keep coming' });
    assert.deepEqual(watcher.states('live'), [], 'the good camera never changed state while the others failed');
    assert.equal((await cameras(gateway.baseUrl)).get('live')?.lastError, null);
  });

  it('never shows the credentials of a camera URL in the API, metrics or logs', async () => {
    const api = await (await fetch(`${gateway.baseUrl}/v1/cameras`)).text();
    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    const logs = JSON.stringify(gateway.logs);
    const events = JSON.stringify(watcher.events);
    for (const [what, text] of Object.entries({ api, metrics, logs, events })) {
      assert.ok(!text.includes('hunter2'), `no password in ${what}`);
      assert.ok(!text.includes('tok3n'), `no token in ${what}`);
    }
    assert.ok(api.includes('admin:***@'), 'the API shows the redacted URL');
  });

  it('runs one decoder for each camera that can run, none for the refused ones', async () => {
    const decoders = decoderPids(gateway.process.pid as number);
    assert.ok(decoders.length >= 1 && decoders.length <= 6, `${decoders.length} decoder children (at most the six runnable cameras)`);
  });
});
