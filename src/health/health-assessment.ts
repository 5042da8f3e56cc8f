import { STATE_SEVERITY, type HealthWindow } from './health-series';

/** What makes a bucket a bucket in trouble. */
export interface TroubleRules {
  /** Share of frames dropped (of analysed + dropped) above which a bucket is in trouble ... */
  readonly dropShare: number;
  /** ... when at least this many were dropped. */
  readonly minDrops: number;
  /** Frame age at analysis (p95) above this (ms). */
  readonly frameAgeMs: number;
  /** Analysed rate under this share of the configured fps, while streaming, active and not degraded. */
  readonly fpsShare: number;
  /** A bucket needs this much of its time behind it before its rate is judged (ms). */
  readonly minJudgedMs: number;
}

export const TROUBLE_RULES: TroubleRules = { dropShare: 0.2, minDrops: 3, frameAgeMs: 1000, fpsShare: 0.5, minJudgedMs: 5000 };

/** Why bucket `i` of a window is in trouble; empty when it is fine. Pure. */
export function bucketTrouble(w: HealthWindow, i: number, expectedFps: number, rules: TroubleRules = TROUBLE_RULES): string[] {
  const reasons: string[] = [];
  const state = w.state[i] ?? 'streaming';
  if ((STATE_SEVERITY[state] ?? 0) >= (STATE_SEVERITY.backoff ?? 4)) reasons.push(state);
  if ((w.reconnects[i] ?? 0) > 0) reasons.push('reconnects');
  if ((w.stalls[i] ?? 0) > 0 && state !== 'stalled') reasons.push('stalled');
  const dropped = w.dropped[i] ?? 0;
  const bucketStart = w.start + i * w.bucketMs;
  const seconds = Math.max(1, Math.min(w.bucketMs, w.end - bucketStart)) / 1000;
  const analysed = (w.analysedFps[i] ?? 0) * seconds;
  if (dropped >= rules.minDrops && dropped > rules.dropShare * (analysed + dropped)) reasons.push('drops');
  const age = w.frameAgeP95Ms[i];
  if (age !== null && age !== undefined && age > rules.frameAgeMs) reasons.push('old frames');
  const judged = w.end - bucketStart >= rules.minJudgedMs;
  const active = state === 'streaming' && !w.idle[i] && !w.degraded[i];
  if (judged && active && (w.analysedFps[i] ?? 0) < rules.fpsShare * expectedFps) reasons.push('low fps');
  return reasons;
}

export interface TroubleVerdict {
  /** The newest bucket is in trouble (or the one before, when the newest is too young to judge its rate). */
  readonly trouble: boolean;
  readonly reasons: string[];
  /** Start of the run of trouble buckets that reaches now (ms since the epoch); null when fine. */
  readonly since: number | null;
  /** The last time any bucket of the window was in trouble (its end), null when none was. */
  readonly lastTroubleAt: number | null;
}

/** Is the camera in trouble now, and since when (the run of trouble buckets up to now). Pure. */
export function assessTrouble(w: HealthWindow, expectedFps: number, rules: TroubleRules = TROUBLE_RULES): TroubleVerdict {
  const n = w.analysedFps.length;
  const per = Array.from({ length: n }, (_, i) => bucketTrouble(w, i, expectedFps, rules));
  let lastTroubleAt: number | null = null;
  for (let i = n - 1; i >= 0; i--) {
    if ((per[i] ?? []).length > 0) {
      lastTroubleAt = Math.min(w.end, w.start + (i + 1) * w.bucketMs);
      break;
    }
  }
  // The newest bucket may be seconds old: when it shows nothing yet, the one before decides.
  let last = n - 1;
  if (last > 0 && (per[last] ?? []).length === 0 && w.end - (w.start + last * w.bucketMs) < rules.minJudgedMs) last -= 1;
  const reasons = per[last] ?? [];
  if (reasons.length === 0) return { trouble: false, reasons: [], since: null, lastTroubleAt };
  let first = last;
  while (first > 0 && (per[first - 1] ?? []).length > 0) first -= 1;
  return { trouble: true, reasons, since: w.start + first * w.bucketMs, lastTroubleAt };
}
