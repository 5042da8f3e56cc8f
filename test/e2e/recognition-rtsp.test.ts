import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { resolveFfmpegPath } from '../../src/ingest';
import { CLIP, FACES, VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup, exited } from '../helpers/processes';
import { freePort } from '../helpers/ports';
import { startGateway, type Gateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const ffmpeg = resolveFfmpegPath(process.env.FFMPEG_PATH);

interface Event {
  type: string;
  time: string;
  data: {
    trackId: string; identity?: { name: string } | null; similarity?: number; firstSeen: string;
    snapshots?: { face: string; frame: string } | null; quality?: { score: number }; liveness?: number | null;
    durationMs?: number; frames?: number; best?: { snapshots: { face: string } | null } | null;
  };
}

/**
 * The Hamilton clip, once, between 4 s of black before (the gateway connects during it) and 4 s
 * after. In the clip Lin-Manuel Miranda appears twice: small, in the wide shot of the first
 * ~1.3 s, and large in the close-up from ~2.8 s to the last audience shot; between them the camera
 * cuts to the audience. So one pass holds exactly two appearances of him.
 */
async function paddedClip(dir: string): Promise<string> {
  const out = join(dir, 'padded.mp4');
  const black = 'color=c=black:s=640x360:r=30000/1001:d=4';
  await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', black, '-i', CLIP, '-f', 'lavfi', '-i', black,
    '-filter_complex', '[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]', '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-pix_fmt', 'yuv420p', out,
  ]);
  return out;
}

describe('face recognition end to end: RTSP camera, gallery, events', () => {
  const group = new ProcessGroup();
  let gateway: Gateway;
  let publishUrl: string;
  let clip: string;
  const events: Event[] = [];
  let socket: WebSocket;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rec-'));
    clip = await paddedClip(dir);
    const [publishPort, clientPort] = [await freePort(), await freePort()];
    const server = group.spawn(process.execPath, [join(__dirname, '..', 'helpers', 'rtsp-server-main.js'), String(publishPort), String(clientPort), String(20_000 + Math.floor(Math.random() * 20_000))]);
    await waitFor(() => (server.stdout?.read() as Buffer | null)?.toString().includes('ready'), { timeoutMs: 10_000, what: 'RTSP server ready' });
    publishUrl = `rtsp://127.0.0.1:${publishPort}/cam`;
    // The camera has no publisher yet: the gateway retries quickly until the stream appears.
    gateway = await startGateway(group, {
      gateway: { restartDelayMs: 100, restartDelayMaxMs: 300 },
      recognition: { galleryPollMs: 200 },
      cameras: [{ id: 'stage', url: `rtsp://127.0.0.1:${clientPort}/cam`, rtspTransport: 'udp', fps: 5 }],
    });
    const env = { ...process.env, VIGIL_DATA_DIR: gateway.dataDir, VIGIL_CONFIG: '' };
    const people: Record<string, string[]> = {
      'Lin-Manuel Miranda': ['lin_manuel_miranda/lin1.png'],
      'Alex Lacamoire': ['alex_lacamoire/alex1.png', 'alex_lacamoire/alex2.jpg'],
      Obama: ['obama/obama1.jpg', 'obama/obama2.jpg', 'obama/obama3.jpg', 'obama/obama4.jpg'],
      Biden: ['biden/biden1.jpg', 'biden/biden2.jpg'],
    };
    // Enrolled with the gateway running: it must pick up the CLI's writes.
    for (const [name, files] of Object.entries(people)) await run(process.execPath, [VIGIL_BIN, 'enroll', '--name', name, ...files.map((f) => join(FACES, f))], { env });
    await waitFor(() => gateway.logs.some((l) => l.msg === 'gallery reloaded' && l.identities === 4), { timeoutMs: 10_000, what: 'the gateway reloading the gallery' });
    socket = new WebSocket(gateway.wsUrl);
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as Event));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
  });

  after(async () => {
    socket?.close();
    await group.killAll();
  });

  it('reports exactly one vigil.face.recognized per appearance of Lin-Manuel Miranda, and names no one else', async () => {
    const publisher: ChildProcess = group.spawn(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-re', '-i', clip, '-an', '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'udp', publishUrl]);
    assert.equal(await exited(publisher, 60_000), 0, 'the publisher played the clip once');
    // Every track that got an answer must have ended (2 s unseen after the stream stops).
    await waitFor(
      () => {
        const answered = new Set(events.filter((e) => e.type === 'vigil.face.recognized' || e.type === 'vigil.face.unknown').map((e) => e.data.trackId));
        const ended = new Set(events.filter((e) => e.type === 'vigil.face.track.ended').map((e) => e.data.trackId));
        return answered.size > 0 && [...answered].every((t) => ended.has(t));
      },
      { timeoutMs: 20_000, what: 'every answered track to end' },
    );
    const recognized = events.filter((e) => e.type === 'vigil.face.recognized');
    const summary = recognized.map((e) => `${e.data.identity?.name} ${e.data.similarity} ${e.data.firstSeen}`);
    assert.deepEqual(recognized.map((e) => e.data.identity?.name), ['Lin-Manuel Miranda', 'Lin-Manuel Miranda'], summary.join('; '));
    assert.equal(new Set(recognized.map((e) => e.data.trackId)).size, 2, 'two appearances, two tracks');
    assert.ok(events.some((e) => e.type === 'vigil.face.unknown'), 'the other faces come out unknown');
    assert.equal(events.filter((e) => e.type === 'vigil.face.detected').length, 0, 'per-frame events are off by default');
    // Each answer carries the trace of the frame that settled it (W3C trace context; not recorded: tracing is off).
    const traced = events.filter((e) => e.type !== 'vigil.camera.status');
    for (const e of traced) assert.match((e as { traceparent?: string }).traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/, e.type);
    assert.ok(events.filter((e) => e.type === 'vigil.camera.status').every((e) => (e as { traceparent?: string }).traceparent === undefined), 'status events come from no frame');

    for (const e of recognized) {
      assert.ok((e.data.similarity ?? 0) >= 0.35);
      assert.ok(e.data.quality && e.data.quality.score > 0 && typeof e.data.liveness === 'number');
      const face = await fetch(`${gateway.baseUrl}${e.data.snapshots?.face}`);
      assert.equal(face.status, 200);
      assert.equal(face.headers.get('content-type'), 'image/jpeg');
      const bytes = Buffer.from(await face.arrayBuffer());
      assert.equal(bytes.subarray(0, 2).toString('hex'), 'ffd8', 'a JPEG');
      assert.equal((await fetch(`${gateway.baseUrl}${e.data.snapshots?.frame}`)).status, 200);
      const latency = Date.parse(e.time) - Date.parse(e.data.firstSeen);
      process.stdout.write(`# recognized ${e.data.identity?.name} similarity ${e.data.similarity}: first frame -> deciding frame ${latency} ms\n`);
    }
    // The close-up is one continuous track over many frames, not one per frame.
    const closeUp = events.find((e) => e.type === 'vigil.face.track.ended' && e.data.trackId === recognized[1]?.data.trackId);
    assert.ok(closeUp && (closeUp.data.frames ?? 0) >= 15 && (closeUp.data.durationMs ?? 0) >= 3000, JSON.stringify(closeUp?.data));
    assert.ok(closeUp?.data.best?.snapshots?.face, 'the best view has a snapshot');
  });

  it('keeps unknown tracks, so an operator can enrol one from its track (fromTrack)', async () => {
    const unknown = events.find((e) => e.type === 'vigil.face.unknown');
    assert.ok(unknown, 'an unknown face to enrol');
    const response = await fetch(`${gateway.baseUrl}/v1/identities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Stage guest', fromTrack: unknown.data.trackId }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    const created = (await response.json()) as { id: string; faces: number };
    assert.equal(created.faces, 1);
    // The track was recorded with the aligned crop the embedding worker made (so a later model can
    // re-embed this face): served as a 112x112 PNG.
    const faces = (await (await fetch(`${gateway.baseUrl}/v1/identities/${created.id}/faces`)).json()) as { crop: string | null }[];
    assert.ok(faces[0]?.crop, JSON.stringify(faces));
    const png = Buffer.from(await (await fetch(`${gateway.baseUrl}${faces[0].crop}`)).arrayBuffer());
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [112, 112], 'PNG width and height');
  });

  it('embeds far less often than it detects, and 404s unknown snapshots', async () => {
    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{camera="stage"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
    const detections = value('vigil_face_detections_total');
    const embeddings = value('vigil_face_embeddings_total');
    process.stdout.write(`# detections ${detections}, embeddings ${embeddings}\n${metrics.split('\n').filter((l) => /^vigil_recognition_latency_seconds_(sum|count)|^vigil_embedding_duration_seconds_(sum|count)|^vigil_inference_duration_seconds_(sum|count)/.test(l)).map((l) => `# ${l}`).join('\n')}\n`);
    assert.ok(detections > 50, `detections ${detections}`);
    assert.ok(embeddings > 0 && embeddings * 4 < detections, `embeddings ${embeddings} vs detections ${detections}`);
    // Frame-to-event latency is recorded for recognition answers too (from the frame that settled them), not only per-frame detections.
    const answered = (type: string) => Number(new RegExp(`^vigil_frame_to_event_seconds_count\\{type="${type}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    assert.ok(answered('vigil.face.recognized') >= 1, 'frame-to-recognized latency recorded');
    assert.ok(answered('vigil.face.unknown') >= 1, 'frame-to-unknown latency recorded');
    const missing = await fetch(`${gateway.baseUrl}/v1/snapshots/00000000-0000-0000-0000-000000000000`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'VIGIL_ERR_SNAPSHOT_NOT_FOUND');
  });
});
