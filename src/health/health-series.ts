/**
 * One camera's last hour, in memory: fixed buckets (10 s each, 360 of them) in a ring of typed
 * arrays, so a camera costs the same few kilobytes after a minute or a year. Each bucket counts
 * analysed frames, drops by reason, reconnects, stalls, a coarse histogram of frame age at
 * analysis (for a p95) and its maximum, and the worst state, idleness and degradation seen.
 * Time comes from the caller (`now`), so tests drive it with a manual clock.
 */
export const BUCKET_MS = 10_000;
export const BUCKETS = 360;
export const DROP_REASONS = ['ring_full', 'stale', 'stopped', 'inference_error'] as const;
export type HealthDropReason = (typeof DROP_REASONS)[number];
/** Upper bounds (ms) of the frame-age bins; one more bin above the last. */
export const AGE_BOUNDS_MS = [25, 50, 100, 200, 400, 800, 1600, 3200] as const;
/** Camera states by how bad they are; a bucket keeps the worst it saw. */
export const STATE_BY_SEVERITY = ['streaming', 'idle', 'starting', 'stopped', 'backoff', 'stalled', 'failed'] as const;
export const STATE_SEVERITY: Readonly<Record<string, number>> = Object.fromEntries(STATE_BY_SEVERITY.map((s, i) => [s, i]));

/** A window of buckets, oldest first, as columns (what the charts draw). */
export interface HealthWindow {
  /** Start (ms since the epoch) of the first bucket; bucket i starts at start + i * bucketMs. */
  readonly start: number;
  readonly bucketMs: number;
  /** The end of the data: now (the last bucket is partly filled). */
  readonly end: number;
  readonly analysedFps: number[];
  readonly dropped: number[];
  readonly droppedByReason: Record<HealthDropReason, number[]>;
  /** Frame age at analysis: the bin bound under which 95 % fell, null without frames (above 3200 ms: the maximum). */
  readonly frameAgeP95Ms: (number | null)[];
  readonly frameAgeMaxMs: (number | null)[];
  readonly reconnects: number[];
  readonly stalls: number[];
  /** The worst state of each bucket. */
  readonly state: string[];
  readonly idle: boolean[];
  readonly degraded: boolean[];
}

export class HealthSeries {
  readonly #buckets: number;
  readonly #bucketMs: number;
  readonly #analysed: Uint32Array;
  readonly #dropped: Uint32Array;
  readonly #ages: Uint32Array;
  readonly #ageMax: Float64Array;
  readonly #reconnects: Uint16Array;
  readonly #stalls: Uint16Array;
  readonly #severity: Uint8Array;
  /** Bit 1: idle at some point; bit 2: degraded at some point. */
  readonly #flags: Uint8Array;
  /** Bucket number (time / bucketMs) of the first and the newest bucket written. */
  readonly #first: number;
  #current: number;
  /** Unknown until told (the camera's telemetry tells it at once). */
  #state = '';
  #idle = false;
  #degraded = false;

  constructor(now: number, buckets = BUCKETS, bucketMs = BUCKET_MS) {
    this.#buckets = buckets;
    this.#bucketMs = bucketMs;
    this.#analysed = new Uint32Array(buckets);
    this.#dropped = new Uint32Array(buckets * DROP_REASONS.length);
    this.#ages = new Uint32Array(buckets * (AGE_BOUNDS_MS.length + 1));
    this.#ageMax = new Float64Array(buckets);
    this.#reconnects = new Uint16Array(buckets);
    this.#stalls = new Uint16Array(buckets);
    this.#severity = new Uint8Array(buckets);
    this.#flags = new Uint8Array(buckets);
    this.#first = Math.floor(now / bucketMs);
    this.#current = this.#first;
    this.#openBucket(this.#current);
  }

  analysed(now: number): void {
    this.#analysed[this.#at(now)]! += 1;
  }

  dropped(reason: HealthDropReason, now: number): void {
    const slot = this.#at(now);
    const r = DROP_REASONS.indexOf(reason);
    if (r >= 0) this.#dropped[slot * DROP_REASONS.length + r]! += 1;
  }

  frameAge(ms: number, now: number): void {
    const slot = this.#at(now);
    let bin = AGE_BOUNDS_MS.findIndex((bound) => ms <= bound);
    if (bin < 0) bin = AGE_BOUNDS_MS.length;
    this.#ages[slot * (AGE_BOUNDS_MS.length + 1) + bin]! += 1;
    if (ms > this.#ageMax[slot]!) this.#ageMax[slot] = ms;
  }

  reconnect(now: number): void {
    const slot = this.#at(now);
    this.#reconnects[slot] = Math.min(0xffff, this.#reconnects[slot]! + 1);
  }

  stall(now: number): void {
    const slot = this.#at(now);
    this.#stalls[slot] = Math.min(0xffff, this.#stalls[slot]! + 1);
  }

  /** The camera's state now; the bucket keeps the worst. */
  state(state: string, now: number): void {
    const slot = this.#at(now);
    this.#state = state;
    this.#severity[slot] = Math.max(this.#severity[slot]!, STATE_SEVERITY[state] ?? 0);
  }

  /** What the decoder does now: idle (key frames only, nothing happening) and degraded (the capacity controller lowered it). */
  work(idle: boolean, degraded: boolean, now: number): void {
    const slot = this.#at(now);
    this.#idle = idle;
    this.#degraded = degraded;
    this.#flags[slot] = this.#flags[slot]! | (idle ? 1 : 0) | (degraded ? 2 : 0);
  }

  /** The buckets of the last `windowMs` (at most the ring), oldest first. */
  window(windowMs: number, now: number): HealthWindow {
    this.#at(now);
    const count = Math.min(this.#buckets, Math.max(1, Math.ceil(windowMs / this.#bucketMs)), this.#current - this.#first + 1);
    const firstBucket = this.#current - count + 1;
    const w: HealthWindow = {
      start: firstBucket * this.#bucketMs,
      bucketMs: this.#bucketMs,
      end: now,
      analysedFps: [],
      dropped: [],
      droppedByReason: Object.fromEntries(DROP_REASONS.map((r) => [r, [] as number[]])) as Record<HealthDropReason, number[]>,
      frameAgeP95Ms: [],
      frameAgeMaxMs: [],
      reconnects: [],
      stalls: [],
      state: [],
      idle: [],
      degraded: [],
    };
    for (let b = firstBucket; b <= this.#current; b++) this.#read(b, now, w);
    return w;
  }

  #read(bucket: number, now: number, w: HealthWindow): void {
    const slot = bucket % this.#buckets;
    const seconds = Math.max(1, Math.min(this.#bucketMs, now - bucket * this.#bucketMs)) / 1000;
    w.analysedFps.push(Math.round((this.#analysed[slot]! / seconds) * 100) / 100);
    let total = 0;
    DROP_REASONS.forEach((reason, r) => {
      const n = this.#dropped[slot * DROP_REASONS.length + r]!;
      w.droppedByReason[reason].push(n);
      total += n;
    });
    w.dropped.push(total);
    const bins = Array.from(this.#ages.subarray(slot * (AGE_BOUNDS_MS.length + 1), (slot + 1) * (AGE_BOUNDS_MS.length + 1)));
    const frames = bins.reduce((a, b) => a + b, 0);
    w.frameAgeMaxMs.push(frames === 0 ? null : Math.round(this.#ageMax[slot]!));
    w.frameAgeP95Ms.push(frames === 0 ? null : p95(bins, frames, this.#ageMax[slot]!));
    w.reconnects.push(this.#reconnects[slot]!);
    w.stalls.push(this.#stalls[slot]!);
    w.state.push(STATE_BY_SEVERITY[this.#severity[slot]!] ?? 'streaming');
    w.idle.push((this.#flags[slot]! & 1) !== 0);
    w.degraded.push((this.#flags[slot]! & 2) !== 0);
  }

  /** The slot for `now`, clearing the buckets time has moved past (each starts with the current state). */
  #at(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    if (bucket > this.#current) {
      const from = Math.max(this.#current + 1, bucket - this.#buckets + 1);
      for (let b = from; b <= bucket; b++) this.#openBucket(b);
      this.#current = bucket;
    }
    // A clock that stepped back writes into the newest bucket rather than into the past.
    return this.#current % this.#buckets;
  }

  #openBucket(bucket: number): void {
    const slot = bucket % this.#buckets;
    this.#analysed[slot] = 0;
    this.#dropped.fill(0, slot * DROP_REASONS.length, (slot + 1) * DROP_REASONS.length);
    this.#ages.fill(0, slot * (AGE_BOUNDS_MS.length + 1), (slot + 1) * (AGE_BOUNDS_MS.length + 1));
    this.#ageMax[slot] = 0;
    this.#reconnects[slot] = 0;
    this.#stalls[slot] = 0;
    this.#severity[slot] = STATE_SEVERITY[this.#state] ?? 0;
    this.#flags[slot] = (this.#idle ? 1 : 0) | (this.#degraded ? 2 : 0);
  }
}

/** The bin bound under which 95 % of the frames fell; the maximum when that is the open top bin. */
function p95(bins: readonly number[], frames: number, max: number): number {
  const want = Math.ceil(frames * 0.95);
  let seen = 0;
  for (let i = 0; i < bins.length; i++) {
    seen += bins[i]!;
    if (seen >= want) return i < AGE_BOUNDS_MS.length ? Math.min(AGE_BOUNDS_MS[i]!, Math.round(max)) : Math.round(max);
  }
  return Math.round(max);
}
