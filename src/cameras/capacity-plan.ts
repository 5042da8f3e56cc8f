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
  /**
   * Sharing the lowered modes: a camera held below another for this long swaps modes with it, so
   * under sustained overload every camera gets its share of full analysis instead of the same ones
   * staying lowered. 0: never.
   */
  readonly rotateLoweredMs: number;
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
  /** When this plan last changed each camera's mode (absent: never, it has held its mode since start). */
  readonly modeSince: Readonly<Record<string, number>>;
  /** Each camera's last measured cost (cores) in each mode it has run in: what raising a camera back would cost. */
  readonly costIn: Readonly<Record<string, Partial<Record<DecodeMode, number>>>>;
  /**
   * What each camera got lately: seconds of full analysis, a mode's share per second in it,
   * halving every `SERVED_HALF_LIFE_MS`. Turns and restores go to the cameras that got least.
   */
  readonly served: Readonly<Record<string, number>>;
  /** When the last check was (null before the first). */
  readonly lastCheckAt: number | null;
}

export const INITIAL_CAPACITY: CapacityState = {
  overloadedChecks: 0, healthyChecks: 0, degradedAt: {}, restoreChecks: 0, lastRestoreAt: null, shedding: false, modeSince: {}, costIn: {}, served: {}, lastCheckAt: null,
};

export interface ModeChange {
  readonly camera: string;
  readonly mode: DecodeMode;
  /** `shared`: one half of a turn, two cameras swapping modes in the same check (the one going down first). */
  readonly why: 'overload' | 'recovered' | 'shared';
}

export interface CapacityDecision {
  readonly state: CapacityState;
  /**
   * Never all at once: one camera lowered or raised per check, or one turn shared (the camera
   * going down first, then the one coming up, the box's load about the same after as before).
   */
  readonly changes: readonly ModeChange[];
  /** The box's lag this check (90th percentile over the cameras with one), or null. */
  readonly lagMs: number | null;
}

/** A shared turn raises a camera only where it costs at most this much more than the one it replaces. */
const SHARE_COST_SLACK = 1.25;
/** Costs within this fraction of the costliest camera's count as the same when one is lowered. */
const COST_TIE = 0.1;
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

/** A camera's cost is read as its mode's once it has held the mode this long (the check before is a mix of both). */
const SETTLED_MS = 1500;

/** When this plan last changed the camera's mode; -Infinity when it never did (held since start). */
function heldSince(state: CapacityState, sample: CameraSample): number {
  return state.modeSince[sample.camera] ?? -Infinity;
}

/** Every camera's cost in its current mode, where it has held that mode for a whole check. Pure. */
function recordCosts(state: CapacityState, samples: readonly CameraSample[], now: number): CapacityState['costIn'] {
  const costIn = { ...state.costIn };
  for (const s of samples) {
    if (s.idle || now - heldSince(state, s) < SETTLED_MS) continue;
    costIn[s.camera] = { ...costIn[s.camera], [s.mode]: s.cost };
  }
  return costIn;
}

const RUNG: Readonly<Record<DecodeMode, number>> = { keyframes: 0, 'half-fps': 1, full: 2 };

/** A mode's share of full analysis (key frames: about one frame in ten of 5 fps, with a 2 s GOP). */
const SHARE: Readonly<Record<DecodeMode, number>> = { full: 1, 'half-fps': 0.5, keyframes: 0.1 };
/** How long what a camera got is remembered: a few 10 s turns, not so long that a busy start is still paid back minutes later. */
const SERVED_HALF_LIFE_MS = 60_000;

/**
 * Every active camera's service, decayed and added to for the time since the last check. A camera
 * new to the plan starts at the others' mean: owed nothing, owing nothing. Pure.
 */
function recordService(state: CapacityState, samples: readonly CameraSample[], now: number): CapacityState['served'] {
  const dt = state.lastCheckAt === null ? 0 : Math.min(Math.max(0, now - state.lastCheckAt), 10_000);
  const decay = 0.5 ** (dt / SERVED_HALF_LIFE_MS);
  const known = samples.map((s) => state.served[s.camera]).filter((v): v is number => v !== undefined);
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 0;
  const served: Record<string, number> = {};
  for (const s of samples) {
    const before = state.served[s.camera] ?? mean;
    served[s.camera] = s.idle ? before : before * decay + (SHARE[s.mode] * dt) / 1000;
  }
  return served;
}

/** Whether a camera may be taken down to `mode` (its floor allows it). */
function mayGoDownTo(sample: CameraSample, mode: DecodeMode): boolean {
  for (let m: DecodeMode | null = sample.mode; m !== null; m = lowerMode(m, sample.floor)) if (m === mode) return true;
  return false;
}

/**
 * A shared turn, or null: of the cameras that have held their mode at least `rotateLoweredMs`,
 * the lowered one that got least lately (`served`) and the one above it that got most, and may
 * go down to the first one's, swap modes. Choosing by time held alone, the same few cameras kept
 * getting the full turns once cameras sat at all three rungs (16 cameras: 0 to 34 s of full
 * analysis each in 120 s). The same number of cameras in each mode after as before, so the load
 * stays about the same. Never where the camera going up cost more than `SHARE_COST_SLACK` times what the one
 * going down costs now, when it last ran in that mode (cameras of different resolutions would
 * only trade places to overload).
 */
function shareTurn(limits: CapacityLimits, state: CapacityState, samples: readonly CameraSample[], now: number): [ModeChange, ModeChange] | null {
  if (limits.rotateLoweredMs <= 0) return null;
  const since = (s: CameraSample): number => heldSince(state, s);
  const served = (s: CameraSample): number => state.served[s.camera] ?? 0;
  const held = samples.filter((s) => !s.idle && now - since(s) >= limits.rotateLoweredMs);
  // Up: the camera that got least lately; down: the one above it that got most.
  const ups = [...held].sort((a, b) => served(a) - served(b) || since(a) - since(b) || a.camera.localeCompare(b.camera));
  const downs = [...held].sort((a, b) => served(b) - served(a) || since(a) - since(b) || a.camera.localeCompare(b.camera));
  for (const up of ups) {
    if (higherMode(up.mode) === null) continue;
    const down = downs.find((s) => {
      if (RUNG[s.mode] <= RUNG[up.mode] || !mayGoDownTo(s, up.mode)) return false;
      const raiseCost = state.costIn[up.camera]?.[s.mode];
      return raiseCost === undefined || raiseCost <= s.cost * SHARE_COST_SLACK;
    });
    if (down) return [{ camera: down.camera, mode: up.mode, why: 'shared' }, { camera: up.camera, mode: down.mode, why: 'shared' }];
  }
  return null;
}

/**
 * One check of the box's capacity, measured in time: the analysis lag, not queue occupancy (a
 * start-up or reconnect burst fills a queue for a moment without the box being short). Lag over
 * `degradeLagMs` for `degradeAfterChecks` checks in a row lowers one camera one rung, the costliest
 * (over `dropLagMs`, at every check: the box is far behind and must shed work fast);
 * lag under `healthyLagMs` for `restoreAfterChecks` checks raises one camera one rung, the one
 * that got least lately. After each change the counting starts over, so each step is seen before the
 * next. In between, while some cameras stay lowered, they take turns with the ones above them
 * (`shareTurn`), so a long overload does not blind the same cameras for its whole length. Pure.
 */
export function planCapacity(limits: CapacityLimits, state: CapacityState, samples: readonly CameraSample[], now: number): CapacityDecision {
  const lagMs = percentile90(samples.filter((s) => !s.idle && s.lagMs !== null).map((s) => s.lagMs as number));
  const restoreChecks = Math.max(limits.restoreAfterChecks, state.restoreChecks);
  const overloaded = lagMs !== null && lagMs > limits.degradeLagMs;
  const healthy = lagMs === null || lagMs < limits.healthyLagMs;
  const next: CapacityState = {
    ...state,
    costIn: recordCosts(state, samples, now),
    served: recordService(state, samples, now),
    lastCheckAt: now,
    restoreChecks,
    overloadedChecks: overloaded ? state.overloadedChecks + 1 : 0,
    healthyChecks: healthy ? state.healthyChecks + 1 : 0,
  };
  // The first step always waits for sustained lag; far behind, the next ones come at every check.
  const farBehind = lagMs !== null && lagMs > limits.dropLagMs;
  if (!farBehind && state.shedding) Object.assign(next, { shedding: false });
  if (next.overloadedChecks >= limits.degradeAfterChecks || (farBehind && state.shedding)) {
    // Of the cameras that cost about the most (measured costs are noisy), the one that got most
    // lately; then the one that has held its mode longest (not one that just had its turn).
    const since = (s: CameraSample): number => heldSince(state, s);
    const served = (s: CameraSample): number => next.served[s.camera] ?? 0;
    const lowerable = samples.filter((s) => !s.idle && lowerMode(s.mode, s.floor) !== null);
    const top = Math.max(...lowerable.map((s) => s.cost));
    const candidates = lowerable
      .filter((s) => s.cost >= top * (1 - COST_TIE))
      .sort((a, b) => served(b) - served(a) || since(a) - since(b) || a.camera.localeCompare(b.camera));
    const victim = candidates[0];
    if (!victim) return { state: { ...next, overloadedChecks: 0 }, changes: [], lagMs };
    const flapped = state.lastRestoreAt !== null && now - state.lastRestoreAt < FLAP_WINDOW_MS;
    return {
      state: {
        ...next,
        overloadedChecks: 0,
        healthyChecks: 0,
        shedding: farBehind,
        degradedAt: { ...state.degradedAt, [victim.camera]: state.degradedAt[victim.camera] ?? now },
        modeSince: { ...state.modeSince, [victim.camera]: now },
        restoreChecks: flapped ? Math.min(MAX_RESTORE_CHECKS, restoreChecks * 2) : restoreChecks,
      },
      changes: [{ camera: victim.camera, mode: lowerMode(victim.mode, victim.floor) as DecodeMode, why: 'overload' }],
      lagMs,
    };
  }
  if (next.healthyChecks >= restoreChecks) {
    // The camera that got least lately; between equals, the one degraded longest.
    const served = (s: CameraSample): number => next.served[s.camera] ?? 0;
    const degraded = samples
      .filter((s) => higherMode(s.mode) !== null)
      .sort((a, b) => served(a) - served(b) || (state.degradedAt[a.camera] ?? 0) - (state.degradedAt[b.camera] ?? 0) || a.camera.localeCompare(b.camera));
    const lucky = degraded[0];
    // Long healthy with nothing to restore: forget earlier flapping.
    if (!lucky) return { state: { ...next, healthyChecks: 0, restoreChecks: limits.restoreAfterChecks }, changes: [], lagMs };
    const mode = higherMode(lucky.mode) as DecodeMode;
    const degradedAt = { ...state.degradedAt };
    if (mode === 'full') delete degradedAt[lucky.camera];
    return {
      state: { ...next, healthyChecks: 0, degradedAt, lastRestoreAt: now, modeSince: { ...state.modeSince, [lucky.camera]: now } },
      changes: [{ camera: lucky.camera, mode, why: 'recovered' }],
      lagMs,
    };
  }
  // Turns are taken while the box keeps up (a turn keeps the load, it cannot cure an overload).
  const turn = overloaded ? null : shareTurn(limits, next, samples, now);
  if (turn) {
    const [down, up] = turn;
    const degradedAt = { ...state.degradedAt, [down.camera]: state.degradedAt[down.camera] ?? now };
    if (up.mode === 'full') delete degradedAt[up.camera];
    else degradedAt[up.camera] = state.degradedAt[up.camera] ?? now;
    return { state: { ...next, degradedAt, modeSince: { ...state.modeSince, [down.camera]: now, [up.camera]: now } }, changes: turn, lagMs };
  }
  return { state: next, changes: [], lagMs };
}
