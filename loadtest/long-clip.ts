import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, SOURCE_CLIP, runFfmpeg } from './media';

/**
 * The 10 s fixture clip looped (stream copy, no re-encoding) to last at least `minutes`, cached
 * in loadtest/.cache/. GStreamer's RTSP server plays a clip once per client, from its start: a
 * source for a long run needs a long clip. About 3.5 MB a minute.
 */
export async function prepareLongClip(minutes: number): Promise<string> {
  const laps = Math.ceil((minutes * 60) / 10) + 6;
  const target = join(CACHE_DIR, `hamilton_loop_${laps}.mp4`);
  if (existsSync(target)) return target;
  mkdirSync(CACHE_DIR, { recursive: true });
  const partial = join(CACHE_DIR, `hamilton_loop_${laps}.partial.mp4`);
  try {
    await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', String(laps - 1), '-i', SOURCE_CLIP, '-map', '0:v', '-c', 'copy', partial]);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}
