import { VigilError } from '../errors';
import { assessTrouble, bucketTrouble } from './health-assessment';
import { BUCKETS, BUCKET_MS, HealthSeries, type HealthDropReason, type HealthWindow } from './health-series';

/** What a camera's telemetry tells its health series (src/cameras feeds it; nothing is re-parsed from metrics). */
export interface CameraHealthRecorder {
  analysed(): void;
  dropped(reason: HealthDropReason): void;
  frameAge(ms: number): void;
  state(state: string): void;
  reconnect(): void;
  stall(): void;
  work(idle: boolean, degraded: boolean): void;
  /** The camera was removed: its history goes with it. */
  forget(): void;
}

/** One camera's health over a window: the series, each bucket's trouble, and the verdict now. */
export interface CameraHealthView extends HealthWindow {
  readonly camera: string;
  readonly expectedFps: number;
  /** Why each bucket was in trouble (empty: fine). */
  readonly troubleReasons: string[][];
  readonly trouble: boolean;
  readonly reasons: string[];
  /** ISO time the current trouble began (within the window), null when fine. */
  readonly troubleSince: string | null;
  readonly lastTroubleAt: string | null;
}

/** One line per camera: is it in trouble, since when, and its figures now. */
export interface CameraHealthSummary {
  readonly camera: string;
  readonly state: string;
  readonly expectedFps: number;
  /** Analysed frames/s over the last full bucket. */
  readonly analysedFps: number;
  readonly frameAgeP95Ms: number | null;
  readonly droppedLastHour: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
  readonly trouble: boolean;
  readonly reasons: string[];
  readonly troubleSince: string | null;
  readonly lastTroubleAt: string | null;
}

const HOUR_MS = BUCKETS * BUCKET_MS;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

interface Entry {
  readonly series: HealthSeries;
  expectedFps: number;
  state: string;
}

/**
 * Every camera's health series, by camera id, for `GET /v1/cameras/{id}/health` and
 * `GET /v1/health/cameras`. A camera restarted with new settings keeps its history; a removed one
 * loses it. Bounded: one fixed-size series per camera.
 */
export class HealthBook {
  readonly #clock: () => number;
  readonly #cameras = new Map<string, Entry>();

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  recorder(camera: string, expectedFps: number): CameraHealthRecorder {
    let entry = this.#cameras.get(camera);
    if (!entry) {
      entry = { series: new HealthSeries(this.#clock()), expectedFps, state: 'idle' };
      this.#cameras.set(camera, entry);
    }
    entry.expectedFps = expectedFps;
    const e = entry;
    const s = e.series;
    const now = this.#clock;
    return {
      analysed: () => s.analysed(now()),
      dropped: (reason) => s.dropped(reason, now()),
      frameAge: (ms) => s.frameAge(ms, now()),
      state: (state) => {
        e.state = state;
        s.state(state, now());
      },
      reconnect: () => s.reconnect(now()),
      stall: () => s.stall(now()),
      work: (idle, degraded) => s.work(idle, degraded, now()),
      forget: () => {
        if (this.#cameras.get(camera) === e) this.#cameras.delete(camera);
      },
    };
  }

  /** The last `windowMs` (10 s to 1 h) of one camera; VIGIL_ERR_CAMERA_NOT_FOUND for an unknown id. */
  window(camera: string, windowMs: number): CameraHealthView {
    const entry = this.#cameras.get(camera);
    if (!entry) throw new VigilError('VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${camera}"`, { camera });
    const w = entry.series.window(Math.min(HOUR_MS, Math.max(BUCKET_MS, windowMs)), this.#clock());
    const verdict = assessTrouble(w, entry.expectedFps);
    return {
      camera,
      expectedFps: entry.expectedFps,
      ...w,
      troubleReasons: w.analysedFps.map((_, i) => bucketTrouble(w, i, entry.expectedFps)),
      trouble: verdict.trouble,
      reasons: verdict.reasons,
      troubleSince: iso(verdict.since),
      lastTroubleAt: iso(verdict.lastTroubleAt),
    };
  }

  summaries(): CameraHealthSummary[] {
    const now = this.#clock();
    return [...this.#cameras].map(([camera, entry]) => {
      const w = entry.series.window(HOUR_MS, now);
      const verdict = assessTrouble(w, entry.expectedFps);
      const n = w.analysedFps.length;
      // The newest bucket is partly filled: the one before gives the rate, when there is one.
      const full = n > 1 ? n - 2 : n - 1;
      const ages = w.frameAgeP95Ms.filter((v): v is number => v !== null);
      return {
        camera,
        state: entry.state,
        expectedFps: entry.expectedFps,
        analysedFps: w.analysedFps[full] ?? 0,
        frameAgeP95Ms: ages.length > 0 ? (ages[ages.length - 1] as number) : null,
        droppedLastHour: sum(w.dropped),
        reconnectsLastHour: sum(w.reconnects),
        stallsLastHour: sum(w.stalls),
        trouble: verdict.trouble,
        reasons: verdict.reasons,
        troubleSince: iso(verdict.since),
        lastTroubleAt: iso(verdict.lastTroubleAt),
      };
    });
  }
}
