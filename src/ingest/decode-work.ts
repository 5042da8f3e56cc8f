import type { DecodeMode } from './decode-mode';
import type { DecodeWork } from './decoder-protocol';

/**
 * What the decoder should do for a camera in `mode` (set by the capacity controller) while it is
 * `idle` (no face or motion for a while) or active. Idle decodes key frames only and wakes on
 * motion; `keyframes` (a degraded camera) decodes key frames only and does not wake; `half-fps`
 * decodes everything but hands over half as many frames. Pure.
 */
export function decodeWork(mode: DecodeMode, idle: boolean, fps: number): DecodeWork {
  if (idle) return { decode: 'keyframes', fps, wakeOnMotion: true };
  if (mode === 'keyframes') return { decode: 'keyframes', fps, wakeOnMotion: false };
  return { decode: 'all', fps: mode === 'half-fps' ? fps / 2 : fps, wakeOnMotion: false };
}

export function sameWork(a: DecodeWork, b: DecodeWork): boolean {
  return a.decode === b.decode && a.fps === b.fps && a.wakeOnMotion === b.wakeOnMotion;
}
