import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './media';

/** Where each camera's own link to the clip lives; its name is what tells the ffmpeg processes apart. */
export const CAMS_DIR = join(CACHE_DIR, 'cams');

export interface BenchCamera {
  readonly id: string;
  /** `file:` a symlink to the clip unique to this camera, or the live RTSP camera's URL. */
  readonly url: string;
}

/** N cameras on the same live RTSP server (each its own session, from the clip's start). */
export function rtspCameras(url: string, count: number): BenchCamera[] {
  return cameraIds(count).map((id) => ({ id, url }));
}

export function cameraIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `bench-${i}`);
}

/**
 * One symlink per camera (bench-K.mp4 -> clip). All cameras decode the same bytes, but each
 * ffmpeg's command line names its own link, so /proc/PID/cmdline says which camera it serves,
 * even after the gateway restarts it (a decode-mode change starts a new ffmpeg).
 */
export function linkCameraClips(clip: string, count: number): BenchCamera[] {
  mkdirSync(CAMS_DIR, { recursive: true });
  return cameraIds(count).map((id) => {
    const path = join(CAMS_DIR, `${id}.mp4`);
    rmSync(path, { force: true });
    symlinkSync(clip, path);
    return { id, url: `file:${path}` };
  });
}

const cmdlineCamera = new Map<number, string | undefined>();
const CAMERA_IN_ARGS = /\/cams\/(bench-\d+)\.mp4(?:\0|$)/;

/** The bench camera an ffmpeg serves, from its command line; cached per pid (a process's arguments never change). */
export function cameraOfPid(pid: number): string | undefined {
  if (cmdlineCamera.has(pid)) return cmdlineCamera.get(pid);
  let camera: string | undefined;
  try {
    camera = CAMERA_IN_ARGS.exec(readFileSync(`/proc/${pid}/cmdline`, 'latin1'))?.[1];
  } catch {
    // Gone already: its last sample was counted under "ffmpeg" only.
  }
  cmdlineCamera.set(pid, camera);
  return camera;
}
