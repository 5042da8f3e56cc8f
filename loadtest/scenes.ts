import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, SOURCE_CLIP, prepareClip, runFfmpeg, type Resolution } from './media';

/**
 * What a bench camera shows. `faces`: the stage clip (faces most of the time). `idle`: an empty
 * scene (a still frame of grey with sensor-like noise: P-frames stay small, as in an empty
 * corridor). `idle-then-face`: the empty scene for `IDLE_SECONDS`, then the stage clip, again and
 * again: each cut is a face walking into an idle camera, at a known stream time.
 */
export type Scene = 'faces' | 'idle' | 'idle-then-face';
export const SCENES: readonly Scene[] = ['faces', 'idle', 'idle-then-face'];

/** Long enough for a camera to go idle (10 s by default) and settle before the face comes. */
export const IDLE_SECONDS = 15;
const FACE_SECONDS = 10;
/** Every stream is a camera-like 30 fps H.264 with a key frame every 2 s. */
const ENCODE = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-r', '30', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-an'];

async function cached(name: string, make: (partial: string) => Promise<void>): Promise<string> {
  const target = join(CACHE_DIR, name);
  if (existsSync(target)) return target;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = join(CACHE_DIR, `partial-${name}`);
  try {
    await make(partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}

function idleSegment(resolution: Resolution, seconds: number): Promise<string> {
  const { width, height } = resolution;
  return cached(`idle_${width}x${height}_${seconds}s.mp4`, async (partial) => {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x505a64:s=${width}x${height}:r=30:d=${seconds}`,
      '-vf', 'noise=alls=6:allf=t', ...ENCODE, partial]);
  });
}

/** One cycle of the scene at the source resolution, H.264 30 fps, key frame every 2 s. */
async function cycle(scene: Scene, resolution: Resolution): Promise<string> {
  const { width, height } = resolution;
  if (scene === 'idle') return idleSegment(resolution, 20);
  const faces = await cached(`faces_${width}x${height}.mp4`, async (partial) => {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-i', width === 640 && height === 360 ? SOURCE_CLIP : await prepareClip(resolution),
      '-vf', `scale=${width}:${height}`, '-t', String(FACE_SECONDS), ...ENCODE, partial]);
  });
  if (scene === 'faces') return faces;
  const idle = await idleSegment(resolution, IDLE_SECONDS);
  return cached(`idle-then-face_${width}x${height}.mp4`, async (partial) => {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-i', idle, '-i', faces, '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0[v]', '-map', '[v]', ...ENCODE, partial]);
  });
}

/** The scene as a clip at least `seconds` long (cycles repeated without re-encoding), for a live RTSP camera that must not run out. */
export async function prepareScene(scene: Scene, resolution: Resolution, seconds: number): Promise<{ clip: string; cycleSeconds: number }> {
  const one = await cycle(scene, resolution);
  const cycleSeconds = scene === 'idle' ? 20 : scene === 'faces' ? FACE_SECONDS : IDLE_SECONDS + FACE_SECONDS;
  const loops = Math.max(1, Math.ceil(seconds / cycleSeconds));
  const { width, height } = resolution;
  const clip = await cached(`${scene}_${width}x${height}_x${loops}.mp4`, async (partial) => {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(loops - 1), '-i', one, '-c', 'copy', partial]);
  });
  return { clip, cycleSeconds };
}
