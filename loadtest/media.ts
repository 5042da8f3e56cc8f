import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config';
import { CameraUrl, LEGACY_FFMPEG, buildFfmpegArgs, probeFfmpeg, resolveFfmpegPath, type DecodeSpec, type FfmpegCapabilities } from '../src/ingest';
import { onCleanup, signal } from './cleanup';

export const SOURCE_CLIP = join(PROJECT_ROOT, 'test', 'fixtures', 'media', 'hamilton_clip.mp4');
export const CACHE_DIR = join(PROJECT_ROOT, 'loadtest', '.cache');

/** What every camera is analysed at; only the source resolution varies between runs. */
export const ANALYSIS = { fps: 5, width: 640, height: 360 } as const;
export const FRAME_BYTES = ANALYSIS.width * ANALYSIS.height * 3;

export interface Resolution {
  readonly width: number;
  readonly height: number;
}

/** The same ffmpeg the gateway uses (FFMPEG_PATH, else the bundled binary). */
export function ffmpegPath(): string {
  return resolveFfmpegPath(process.env.FFMPEG_PATH || undefined);
}

let probed: FfmpegCapabilities | null = null;
/** What that ffmpeg is (its arguments depend on its version), probed once. */
function capabilities(): FfmpegCapabilities {
  if (!probed) {
    try {
      probed = probeFfmpeg(ffmpegPath());
    } catch {
      probed = LEGACY_FFMPEG;
    }
  }
  return probed;
}

/** Runs ffmpeg to completion; rejects with the end of its stderr when it fails. */
export function runFfmpeg(args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      forget();
      reject(error);
    });
    child.on('close', (code) => {
      forget();
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg exited with ${code}: ${err.trim()}`));
    });
  });
}

/** The clip at the wanted source resolution: the fixture itself, or a scaled copy cached on disk. */
export async function prepareClip(resolution: Resolution): Promise<string> {
  const { width, height } = resolution;
  if (width === 640 && height === 360) return SOURCE_CLIP;
  const target = join(CACHE_DIR, `hamilton_clip_${width}x${height}.mp4`);
  if (existsSync(target)) return target;
  mkdirSync(CACHE_DIR, { recursive: true });
  // Encoded under another name and renamed when complete, so an interrupted run never caches half a file.
  const partial = join(CACHE_DIR, `hamilton_clip_${width}x${height}.partial.mp4`);
  try {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-i', SOURCE_CLIP, '-vf', `scale=${width}:${height}`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '60', '-an', partial]);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}

/** The decode spec of a bench camera, exactly as the gateway builds it for a `file:` URL. */
export function decodeSpec(clip: string, loop: boolean): DecodeSpec {
  const url = CameraUrl.parse(`file:${clip}`, { allowLocalFiles: true, baseDir: PROJECT_ROOT });
  return { url, ...ANALYSIS, rtspTransport: 'tcp', loop, ffmpeg: capabilities() };
}

/** The gateway's ffmpeg arguments without real-time pacing, so ffmpeg decodes as fast as it can. */
export function unpacedArgs(spec: DecodeSpec): string[] {
  return buildFfmpegArgs(spec).filter((arg) => arg !== '-re');
}

/** Decodes the first `count` analysis frames of the clip once, as the detector-only bench's input. */
export async function decodeFrames(clip: string, count: number): Promise<ArrayBuffer[]> {
  const args = unpacedArgs(decodeSpec(clip, false));
  // Output options go just before the output, which is the last argument.
  args.splice(args.length - 1, 0, '-frames:v', String(count));
  const raw = await runFfmpeg(args);
  const frames: ArrayBuffer[] = [];
  for (let offset = 0; offset + FRAME_BYTES <= raw.length; offset += FRAME_BYTES) {
    frames.push(raw.buffer.slice(raw.byteOffset + offset, raw.byteOffset + offset + FRAME_BYTES) as ArrayBuffer);
  }
  if (frames.length === 0) throw new Error('ffmpeg decoded no frames from the clip');
  return frames;
}
