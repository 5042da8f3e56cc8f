import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { resolveFfmpegPath } from '../../src/ingest';
import { freePort } from './ports';
import type { ProcessGroup } from './processes';
import { waitFor } from './wait';

export interface RtmpCamera {
  readonly url: string;
  readonly port: number;
  readonly server: ChildProcess;
  readonly publisher: ChildProcess;
}

/** node-media-server plus an ffmpeg publishing `clip` to it in a loop at real time (copy, FLV). */
export async function startRtmpCamera(group: ProcessGroup, clip: string, path = 'live/cam'): Promise<RtmpCamera> {
  const port = await freePort();
  const server = group.spawn(process.execPath, [join(__dirname, 'rtmp-server-main.js'), String(port)]);
  let out = '';
  server.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await waitFor(() => out.includes('ready'), { timeoutMs: 15_000, what: 'node-media-server listening' });
  const url = `rtmp://127.0.0.1:${port}/${path}`;
  const publisher = group.spawn(resolveFfmpegPath(process.env.FFMPEG_PATH), ['-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip, '-an', '-c', 'copy', '-f', 'flv', url]);
  let publisherError = '';
  publisher.stderr?.on('data', (chunk: Buffer) => (publisherError = (publisherError + chunk.toString()).slice(-2000)));
  await waitFor(() => publisher.exitCode === null && publisher.pid !== undefined, { timeoutMs: 5000, what: `RTMP publisher (${publisherError})` });
  return { url, port, server, publisher };
}
