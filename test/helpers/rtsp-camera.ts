import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { resolveFfmpegPath } from '../../src/ingest';
import { freePort } from './ports';
import type { ProcessGroup } from './processes';
import { waitFor } from './wait';

export interface RtspCamera {
  /** The URL a reader (the gateway) opens. */
  readonly url: string;
  readonly server: ChildProcess;
  readonly publisher: ChildProcess;
  /** Ports and path, so the same camera can be brought back after it was killed. */
  readonly ports: { readonly publish: number; readonly client: number; readonly rtpStart: number };
  readonly path: string;
  readonly clip: string;
}

function waitForLine(child: ChildProcess, line: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${line}" from process ${child.pid} in ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${String(code)} before "${line}"`)));
  });
}

/**
 * A live RTSP camera made of real parts: rtsp-streaming-server plus an ffmpeg publisher looping
 * `clip` at real time over UDP. Both belong to `group`, which kills them after the test.
 */
export async function startRtspCamera(group: ProcessGroup, clip: string, path = 'cam'): Promise<RtspCamera> {
  const ports = { publish: await freePort(), client: await freePort(), rtpStart: 20_000 + Math.floor(Math.random() * 20_000) };
  return startOnPorts(group, clip, path, ports);
}

/** Starts a camera again on the ports of one that was killed (a camera server coming back). */
export function restartRtspCamera(group: ProcessGroup, camera: RtspCamera): Promise<RtspCamera> {
  return startOnPorts(group, camera.clip, camera.path, camera.ports);
}

async function startOnPorts(group: ProcessGroup, clip: string, path: string, ports: RtspCamera['ports']): Promise<RtspCamera> {
  const server = group.spawn(process.execPath, [join(__dirname, 'rtsp-server-main.js'), String(ports.publish), String(ports.client), String(ports.rtpStart)]);
  await waitForLine(server, 'ready', 10_000);
  const publisher = group.spawn(resolveFfmpegPath(process.env.FFMPEG_PATH), [
    '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip,
    '-an', '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'udp', `rtsp://127.0.0.1:${ports.publish}/${path}`,
  ]);
  let publisherError = '';
  publisher.stderr?.on('data', (chunk: Buffer) => (publisherError += chunk.toString()).slice(-2000));
  // The publisher is up once its ANNOUNCE/RECORD succeeded; give it a moment by checking it is still alive.
  await waitFor(() => publisher.exitCode === null && publisher.pid !== undefined, { timeoutMs: 5000, what: `RTSP publisher (${publisherError})` });
  return { url: `rtsp://127.0.0.1:${ports.client}/${path}`, server, publisher, ports, path, clip };
}
