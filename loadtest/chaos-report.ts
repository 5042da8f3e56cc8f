import type { SourceOutage } from './chaos-plan';

/** A camera's state change as the gateway published it (vigil.camera.status). */
export interface StatusChange {
  readonly camera: string;
  readonly state: string;
  /** ms since the epoch (the event's `time`). */
  readonly at: number;
}

/** An outage as it happened: when the source went and came back, and when its camera streamed again. */
export interface OutageRecord extends SourceOutage {
  readonly startedAt: number;
  readonly returnedAt: number;
}

export interface OutageResult {
  readonly camera: string;
  readonly kind: 'kill' | 'freeze';
  readonly downSeconds: number;
  /** Whether the camera left `streaming` at all (a short freeze may pass unnoticed). */
  readonly interrupted: boolean;
  /** From the source's return to `streaming` again; null when it never streamed again. */
  readonly recoverySeconds: number | null;
  /** The states the camera went through meanwhile, e.g. backoff>starting>streaming. */
  readonly path: string;
}

/**
 * When each camera streamed again after its source returned: the first `streaming` at or after
 * the return, if the camera left `streaming` after the outage began and before the camera's next
 * outage began; 0 when it never noticed. (A short freeze can pass unnoticed; the camera leaving
 * `streaming` during its next, longer outage belongs to that one.) Pure.
 */
export function outageResults(outages: readonly OutageRecord[], changes: readonly StatusChange[]): OutageResult[] {
  return outages.map((o) => {
    const nextStart = Math.min(...outages.filter((n) => n.camera === o.camera && n.startedAt > o.startedAt).map((n) => n.startedAt), Infinity);
    const mine = changes.filter((c) => c.camera === o.camera && c.at >= o.startedAt).sort((a, b) => a.at - b.at);
    const interruptedBy = mine.find((c) => c.state !== 'streaming' && c.at < nextStart);
    const base = { camera: o.camera, kind: o.kind, downSeconds: (o.returnedAt - o.startedAt) / 1000 };
    if (!interruptedBy) return { ...base, interrupted: false, recoverySeconds: 0, path: 'streaming' };
    const back = mine.find((c) => c.state === 'streaming' && c.at >= Math.max(o.returnedAt, interruptedBy.at));
    const until = back ? mine.filter((c) => c.at <= back.at) : mine;
    const path = compress(until.map((c) => c.state)).join('>');
    return { ...base, interrupted: true, recoverySeconds: back ? Math.max(0, back.at - o.returnedAt) / 1000 : null, path };
  });
}

/** `a a b b a` -> `a b a`, and long runs of retries shortened. */
function compress(states: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of states) if (out.at(-1) !== s) out.push(s);
  return out.length > 8 ? [...out.slice(0, 3), `…(${out.length - 6})`, ...out.slice(-3)] : out;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Sequences missing between the first and the last received (each number is one event the subscriber never got). Pure. */
export function sequenceHoles(sequences: readonly number[]): number {
  if (sequences.length === 0) return 0;
  const seen = new Set(sequences);
  const lo = Math.min(...sequences);
  const hi = Math.max(...sequences);
  let holes = 0;
  for (let s = lo; s <= hi; s++) if (!seen.has(s)) holes += 1;
  return holes;
}
