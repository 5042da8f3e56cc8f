import type { MotionSettings } from '../decoder-protocol';

/** The running picture of a scene's P-frame sizes. */
export interface MotionState {
  /** Exponentially weighted mean of recent non-key packet sizes (bytes). */
  readonly baseline: number;
  readonly observed: number;
}

export const NO_MOTION_YET: MotionState = { baseline: 0, observed: 0 };

/** How fast the baseline follows the scene: about the last 30 packets (a second at 30 fps). */
const ALPHA = 1 / 30;

/**
 * One non-key packet of an idle camera. Compressed-domain motion: in a still scene P-frames only
 * carry noise and stay small; something moving makes them several times larger at once. Returns
 * the new state and whether this packet is motion. A motion packet does not enter the baseline,
 * so a slow walk does not teach the detector that walking is normal. Pure.
 */
export function observeMotion(settings: MotionSettings, state: MotionState, bytes: number): { state: MotionState; motion: boolean } {
  const observed = state.observed + 1;
  if (state.observed === 0) return { state: { baseline: bytes, observed }, motion: false };
  const judged = state.observed >= settings.warmupPackets;
  const motion = judged && bytes > state.baseline * settings.ratio && bytes - state.baseline > settings.minBytes;
  const baseline = motion ? state.baseline : state.baseline + (bytes - state.baseline) * ALPHA;
  return { state: { baseline, observed }, motion };
}
