import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpegPath } from '../../src/ingest';
import { CLIP } from './paths';

const run = promisify(execFile);

/**
 * Clips for the live video tests, cut or encoded from the stage clip by the project's ffmpeg (the
 * bundled static build has libx264 and libx265), once per call into a fresh temporary folder.
 */
export async function liveClips(): Promise<{ h264: string; hevc: string; mjpeg: string; heavy: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-live-clips-'));
  const ffmpeg = resolveFfmpegPath(undefined);
  const out = { h264: join(dir, 'h264.mp4'), hevc: join(dir, 'hevc.mp4'), mjpeg: join(dir, 'mjpeg.avi'), heavy: join(dir, 'heavy.mp4') };
  const common = ['-hide_banner', '-loglevel', 'error', '-y', '-i', CLIP, '-an'];
  // 2 s of the stage clip as it is (H.264 Constrained Baseline, 640x360, key frames every 2 s): the loop restarts its times.
  await run(ffmpeg, [...common, '-t', '2', '-c', 'copy', out.h264]);
  await run(ffmpeg, [...common, '-t', '3', '-vf', 'scale=320:180', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', out.hevc]);
  await run(ffmpeg, [...common, '-t', '1', '-vf', 'scale=320:180', '-c:v', 'mjpeg', out.mjpeg]);
  // About 1.5 MB/s, key frame every second: fills a viewer's socket that stops reading within seconds.
  await run(ffmpeg, [...common, '-t', '4', '-vf', 'scale=1280:720', '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '12M', '-maxrate', '12M', '-bufsize', '4M', '-g', '30', out.heavy]);
  return out;
}
