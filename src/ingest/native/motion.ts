import type { MotionSettings } from '../decoder-protocol';

/** The running picture of a scene's P-frame sizes. */
export interface MotionState {
  /** Exponentially weighted mean of recent non-key packet sizes (bytes). */
  readonly baseline: number;
  readonly observed: number;
  /** Non-key packets since the last key frame. */
  readonly sinceKeyframe: number;
  /** Consecutive packets over the threshold. */
  readonly streak: number;
}

export const NO_MOTION_YET: MotionState = { baseline: 0, observed: 0, sinceKeyframe: 0, streak: 0 };

/** How fast the baseline follows the scene: about the last 30 packets (a second at 30 fps). */
const ALPHA = 1 / 30;
/**
 * Encoders spend more bits on the first P-frames after a key frame (x264 measured here: 5-7x the
 * usual size on a still, noisy scene): they are never judged nor learnt.
 */
const SKIP_AFTER_KEYFRAME = 2;
/** Packets over the threshold in a row before it is motion: one odd packet is not someone walking in... */
const STREAK = 2;
/** ...unless it is this many times over (a scene cut, a light switched on): then at once. */
const AT_ONCE = 2;

/** A key frame passed: the next packets are the encoder's, not the scene's, to judge. */
export function afterKeyframe(state: MotionState): MotionState {
  return { ...state, sinceKeyframe: 0, streak: 0 };
}

/**
 * One non-key packet of an idle camera. Compressed-domain motion: in a still scene P-frames only
 * carry noise and stay small; something moving makes them several times larger, frame after
 * frame. Returns the new state and whether this packet confirms motion. Packets over the
 * threshold do not enter the baseline, so a slow walk does not teach the detector that walking
 * is normal. Pure.
 */
export function observeMotion(settings: MotionSettings, state: MotionState, bytes: number): { state: MotionState; motion: boolean } {
  const sinceKeyframe = state.sinceKeyframe + 1;
  if (sinceKeyframe <= SKIP_AFTER_KEYFRAME) return { state: { ...state, sinceKeyframe }, motion: false };
  const observed = state.observed + 1;
  if (state.observed === 0) return { state: { baseline: bytes, observed, sinceKeyframe, streak: 0 }, motion: false };
  const judged = state.observed >= settings.warmupPackets;
  const over = (factor: number): boolean => judged && bytes > state.baseline * settings.ratio * factor && bytes - state.baseline > settings.minBytes * factor;
  const streak = over(1) ? state.streak + 1 : 0;
  const baseline = over(1) ? state.baseline : state.baseline + (bytes - state.baseline) * ALPHA;
  return { state: { baseline, observed, sinceKeyframe, streak }, motion: streak >= STREAK || over(AT_ONCE) };
}
