import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { resolveFfmpegPath } from '../../src/ingest';

/** Cameras over HTTP made of real parts: the project's ffmpeg cuts the media, node:http serves it. */

function ffmpeg(args: readonly string[]): void {
  const run = spawnSync(resolveFfmpegPath(process.env.FFMPEG_PATH), ['-hide_banner', '-loglevel', 'error', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed (${String(run.status)}): ${run.stderr}`);
}

/** Cuts `clip` into a VOD HLS stream (index.m3u8 plus 2 s MPEG-TS segments) in a new folder. */
export function makeHlsFolder(clip: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hls-'));
  ffmpeg(['-i', clip, '-an', '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_playlist_type', 'vod', join(dir, 'index.m3u8')]);
  return dir;
}

/** The clip as JPEG frames at `fps`, 640x360, in order (what an IP camera's MJPEG feed carries). */
export function makeJpegFrames(clip: string, fps: number): Buffer[] {
  const dir = join(mkdtempSync(join(tmpdir(), 'vigil-mjpeg-')), 'frames');
  mkdirSync(dir);
  ffmpeg(['-i', clip, '-an', '-vf', `fps=${fps},scale=640:360`, '-q:v', '5', join(dir, 'frame%03d.jpg')]);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .map((name) => readFileSync(join(dir, name)));
}

export interface HttpCamera {
  readonly server: Server;
  readonly port: number;
  /** Every request path the server was asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function listen(server: Server, requests: string[]): Promise<HttpCamera> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t' };

/** Serves the files of `dir` (no listing, no paths outside it) on 127.0.0.1, port 0. */
export function serveFolder(dir: string): Promise<HttpCamera> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(dir, path));
    const ext = path.slice(path.lastIndexOf('.'));
    let body: Buffer;
    try {
      if (!file.startsWith(dir + '/')) throw new Error('outside');
      body = readFileSync(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  return listen(server, requests);
}

const BOUNDARY = 'vigilframe';

/**
 * An IP camera's MJPEG feed: GET /video.mjpg answers multipart/x-mixed-replace and writes one JPEG
 * part every 1/fps seconds, looping over `frames`, until the client goes away. With `basicAuth`,
 * only requests with those credentials get the feed (others: 401 and a Basic challenge).
 */
export function serveMjpeg(frames: readonly Buffer[], fps: number, options: { basicAuth?: { user: string; password: string } } = {}): Promise<HttpCamera> {
  const requests: string[] = [];
  const feeds = new Set<NodeJS.Timeout>();
  const expected = options.basicAuth ? `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}` : null;
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    // A camera with a password: anything but the right credentials is challenged, as IP cameras do.
    if (expected && request.headers.authorization !== expected) {
      requests.push(`401 ${request.headers.authorization ? 'wrong credentials' : 'no credentials'}`);
      response.writeHead(401, { 'www-authenticate': 'Basic realm="camera"', 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    if (request.url !== '/video.mjpg') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'cache-control': 'no-cache', connection: 'close' });
    let next = 0;
    const send = (out: ServerResponse): void => {
      const jpeg = frames[next % frames.length] as Buffer;
      next += 1;
      out.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      out.write(jpeg);
      out.write('\r\n');
    };
    send(response);
    const timer = setInterval(() => send(response), 1000 / fps);
    feeds.add(timer);
    response.on('close', () => {
      clearInterval(timer);
      feeds.delete(timer);
    });
  });
  server.on('close', () => feeds.forEach((timer) => clearInterval(timer)));
  return listen(server, requests);
}
