import type { DecodeMode, DegradeTo } from '../ingest';

/** One camera as the capacity controller sees it at a check (once a second). */
export interface CameraSample {
  readonly camera: string;
  readonly mode: DecodeMode;
  /** The lowest this camera may go (its `degradeTo`). */
  readonly floor: DegradeTo;
  /** Idle cameras already decode key frames only: not worth degrading, nothing to measure. */
  readonly idle: boolean;
  /** 90th percentile of its analysis lag (frame off the decoder -> analysis done) since the last check, or null. */
  readonly lagMs: number | null;
  /** What it costs, in cores: its decoder's CPU plus its share of inference, since the last check. */
  readonly cost: number;
}

export interface CapacityLimits {
  readonly healthyLagMs: number;
  readonly degradeLagMs: number;
  /** Far behind: lower a camera at every check. */
  readonly dropLagMs: number;
  readonly degradeAfterChecks: number;
  readonly restoreAfterChecks: number;
}

export interface CapacityState {
  readonly overloadedChecks: number;
  readonly healthyChecks: number;
  /** When each degraded camera was degraded (first rung), for restoring the longest-waiting first. */
  readonly degradedAt: Readonly<Record<string, number>>;
  /** Healthy checks needed before the next restore: doubles when a restore is soon followed by overload. */
  readonly restoreChecks: number;
  readonly lastRestoreAt: number | null;
  /** Degrading began and the lag is still over dropLagMs: one camera more at every check. */
  readonly shedding: boolean;
}

export const INITIAL_CAPACITY: CapacityState = { overloadedChecks: 0, healthyChecks: 0, degradedAt: {}, restoreChecks: 0, lastRestoreAt: null, shedding: false };

export interface CapacityDecision {
  readonly state: CapacityState;
  /** At most one camera changes per check: never all at once. */
  readonly change: { readonly camera: string; readonly mode: DecodeMode; readonly why: 'overload' | 'recovered' } | null;
  /** The box's lag this check (90th percentile over the cameras with one), or null. */
  readonly lagMs: number | null;
}

/** A restore followed by overload within this long was premature: wait longer before the next. */
const FLAP_WINDOW_MS = 15_000;
const MAX_RESTORE_CHECKS = 60;

/** full -> half-fps -> keyframes, as far as the camera's floor allows. */
export function lowerMode(mode: DecodeMode, floor: DegradeTo): DecodeMode | null {
  if (floor === 'off' || mode === 'keyframes') return null;
  if (mode === 'full') return 'half-fps';
  return floor === 'keyframes' ? 'keyframes' : null;
}

export function higherMode(mode: DecodeMode): DecodeMode | null {
  return mode === 'keyframes' ? 'half-fps' : mode === 'half-fps' ? 'full' : null;
}

function percentile90(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] as number;
}

/**
 * One check of the box's capacity, measured in time: the analysis lag, not queue occupancy (a
 * start-up or reconnect burst fills a queue for a moment without the box being short). Lag over
 * `degradeLagMs` for `degradeAfterChecks` checks in a row lowers one camera one rung, the costliest
 * (over `dropLagMs`, at every check: the box is far behind and must shed work fast);
 * lag under `healthyLagMs` for `restoreAfterChecks` checks raises one camera one rung, the one
 * degraded longest. After each change the counting starts over, so each step is seen before the
 * next. Pure.
 */
export function planCapacity(limits: CapacityLimits, state: CapacityState, samples: readonly CameraSample[], now: number): CapacityDecision {
  const lagMs = percentile90(samples.filter((s) => !s.idle && s.lagMs !== null).map((s) => s.lagMs as number));
  const restoreChecks = Math.max(limits.restoreAfterChecks, state.restoreChecks);
  const overloaded = lagMs !== null && lagMs > limits.degradeLagMs;
  const healthy = lagMs === null || lagMs < limits.healthyLagMs;
  const next: CapacityState = {
    ...state,
    restoreChecks,
    overloadedChecks: overloaded ? state.overloadedChecks + 1 : 0,
    healthyChecks: healthy ? state.healthyChecks + 1 : 0,
  };
  // The first step always waits for sustained lag; far behind, the next ones come at every check.
  const farBehind = lagMs !== null && lagMs > limits.dropLagMs;
  if (!farBehind && state.shedding) Object.assign(next, { shedding: false });
  if (next.overloadedChecks >= limits.degradeAfterChecks || (farBehind && state.shedding)) {
    const candidates = samples.filter((s) => !s.idle && lowerMode(s.mode, s.floor) !== null).sort((a, b) => b.cost - a.cost || a.camera.localeCompare(b.camera));
    const victim = candidates[0];
    if (!victim) return { state: { ...next, overloadedChecks: 0 }, change: null, lagMs };
    const flapped = state.lastRestoreAt !== null && now - state.lastRestoreAt < FLAP_WINDOW_MS;
    return {
      state: {
        ...next,
        overloadedChecks: 0,
        healthyChecks: 0,
        shedding: farBehind,
        degradedAt: { ...state.degradedAt, [victim.camera]: state.degradedAt[victim.camera] ?? now },
        restoreChecks: flapped ? Math.min(MAX_RESTORE_CHECKS, restoreChecks * 2) : restoreChecks,
      },
      change: { camera: victim.camera, mode: lowerMode(victim.mode, victim.floor) as DecodeMode, why: 'overload' },
      lagMs,
    };
  }
  if (next.healthyChecks >= restoreChecks) {
    const degraded = samples.filter((s) => higherMode(s.mode) !== null).sort((a, b) => (state.degradedAt[a.camera] ?? 0) - (state.degradedAt[b.camera] ?? 0) || a.camera.localeCompare(b.camera));
    const lucky = degraded[0];
    // Long healthy with nothing to restore: forget earlier flapping.
    if (!lucky) return { state: { ...next, healthyChecks: 0, restoreChecks: limits.restoreAfterChecks }, change: null, lagMs };
    const mode = higherMode(lucky.mode) as DecodeMode;
    const degradedAt = { ...state.degradedAt };
    if (mode === 'full') delete degradedAt[lucky.camera];
    return { state: { ...next, healthyChecks: 0, degradedAt, lastRestoreAt: now }, change: { camera: lucky.camera, mode, why: 'recovered' }, lagMs };
  }
  return { state: next, change: null, lagMs };
}
