/**
 * How hard a camera's decoder works. `full`: every frame decoded, sampled at the configured rate.
 * `keyframes`: only key frames decoded (`-skip_frame nokey`), far less CPU. `half-fps`: every frame
 * decoded but half as many analysed.
 */
export type DecodeMode = 'full' | 'keyframes' | 'half-fps';
/** What a camera falls back to when it stays behind; `off` never degrades. */
export type DegradeTo = 'keyframes' | 'half-fps' | 'off';

export const DECODE_MODES: readonly DecodeMode[] = ['full', 'keyframes', 'half-fps'];

export interface AdaptiveLimits {
  /** Ring occupancy (frames) at or above which a check counts as "behind". */
  readonly highWatermark: number;
  /** Occupancy at or below which a check counts as "drained". */
  readonly lowWatermark: number;
  /** Consecutive "behind" checks before degrading. */
  readonly degradeAfterChecks: number;
  /** Consecutive "drained" checks before restoring: longer, so the mode does not flap. */
  readonly restoreAfterChecks: number;
  readonly degradeTo: DegradeTo;
}

export interface AdaptiveState {
  readonly mode: DecodeMode;
  readonly behind: number;
  readonly drained: number;
}

export const INITIAL_ADAPTIVE: AdaptiveState = { mode: 'full', behind: 0, drained: 0 };

/**
 * One check of a camera's backlog. `peakOccupancy` is the most frames the ring held since the last
 * check (the instant value is nearly always 0 because the analyser takes the newest frame at once).
 * Returns the new state; its mode differs from the old one when the decoder should restart.
 */
export function nextAdaptiveState(limits: AdaptiveLimits, state: AdaptiveState, peakOccupancy: number): AdaptiveState {
  if (limits.degradeTo === 'off') return INITIAL_ADAPTIVE;
  const behind = peakOccupancy >= limits.highWatermark ? state.behind + 1 : 0;
  const drained = peakOccupancy <= limits.lowWatermark ? state.drained + 1 : 0;
  if (state.mode === 'full' && behind >= limits.degradeAfterChecks) return { mode: limits.degradeTo, behind: 0, drained: 0 };
  if (state.mode !== 'full' && drained >= limits.restoreAfterChecks) return { mode: 'full', behind: 0, drained: 0 };
  return { mode: state.mode, behind, drained };
}
