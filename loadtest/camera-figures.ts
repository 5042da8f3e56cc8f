import { bucketQuantile, histogramDelta, type HistogramDelta } from './histogram';
import { counterDelta, sumBy, total as sumOf, type PromSample } from './prometheus';

/** Every reason the gateway counts a dropped frame under (src/ingest, src/camera-runtime.ts). */
export const DROP_REASONS = ['ring_full', 'stale', 'inference_error', 'stopped'] as const;
const AGE_METRIC = 'vigil_frame_age_at_analysis_seconds';
const LAG_METRIC = 'vigil_analysis_lag_seconds';
const WAKE_METRIC = 'vigil_camera_wake_seconds';

/** Frame age at analysis, bucket-interpolated from the histogram's growth over the window. */
export interface FrameAge {
  readonly frames: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The p99 fell in the +Inf bucket: the true value is above p99Ms (the top bound, 5 s). */
  readonly p99AboveTopBucket: boolean;
}

export interface CameraFigures {
  readonly analysedFps: number;
  readonly decodedFps: number;
  /** Counts over the window, every reason listed (0 when it did not happen). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly frameAge: FrameAge;
  /** From a frame leaving the decoder to its analysis being done (what the capacity controller watches). */
  readonly lag: FrameAge;
  /** Idle cameras woken by motion: from the waking packet's arrival to the first frame after it analysed. */
  readonly wake: FrameAge;
  /** CPU of the camera's decoder process (100 = one core), from vigil_camera_decode_cpu_seconds_total; for the total, all of them. */
  readonly decodeCpuPercent: number;
  /** The mode at the end of the window; for the total, how many cameras are in each. */
  readonly decodeMode: string;
  /** Once a second over the window: F full, H half-fps, K keyframes, lower case while idle, - not streaming. */
  readonly timeline: string;
}

/** How evenly the cameras were analysed over the window (issue 11's target: each within 20 % of the mean). */
export interface Fairness {
  readonly meanFps: number;
  readonly minFps: number;
  readonly maxFps: number;
  /** Cameras whose analysed fps is within 20 % of the mean. */
  readonly within20: number;
  readonly cameras: number;
}

export interface CamerasFigures {
  readonly perCamera: Readonly<Record<string, CameraFigures>>;
  readonly total: CameraFigures;
  readonly fairness: Fairness;
}

/** Spread of the analysed fps over the cameras. Pure. */
export function fairnessOf(analysedFps: readonly number[]): Fairness {
  const n = analysedFps.length;
  const meanFps = n === 0 ? 0 : analysedFps.reduce((a, b) => a + b, 0) / n;
  return {
    meanFps,
    minFps: n === 0 ? 0 : Math.min(...analysedFps),
    maxFps: n === 0 ? 0 : Math.max(...analysedFps),
    within20: analysedFps.filter((fps) => Math.abs(fps - meanFps) <= 0.2 * meanFps).length,
    cameras: n,
  };
}

function frameAge(h: HistogramDelta): FrameAge {
  const p50 = bucketQuantile(h, 0.5);
  const p99 = bucketQuantile(h, 0.99);
  return { frames: h.count, p50Ms: p50.value * 1000, p99Ms: p99.value * 1000, p99AboveTopBucket: p99.aboveTopBucket };
}

function droppedOf(before: readonly PromSample[], after: readonly PromSample[], camera: string | undefined): Record<string, number> {
  const own = (samples: readonly PromSample[]): PromSample[] => samples.filter((s) => camera === undefined || s.labels.camera === camera);
  const delta = counterDelta(own(before), own(after), 'vigil_frames_dropped_total', 'reason');
  // A reason's counter only exists once it has happened; listing all keeps runs comparable.
  return Object.fromEntries([...DROP_REASONS, ...delta.keys()].map((reason) => [reason, delta.get(reason) ?? 0]));
}

/** The decode mode whose gauge is 1 for this camera ("unknown" before the camera reported one). */
function modeOf(after: readonly PromSample[], camera: string): string {
  return after.find((s) => s.name === 'vigil_camera_decode_mode' && s.labels.camera === camera && s.value === 1)?.labels.mode ?? 'unknown';
}

/**
 * Per camera and in total, from two /metrics scrapes `seconds` apart and the decode CPU the
 * sampler attributed to each camera's ffmpeg. Cameras with no counter yet show 0, not vanish.
 */
export function cameraFigures(
  before: readonly PromSample[],
  after: readonly PromSample[],
  seconds: number,
  ids: readonly string[],
  timelines: ReadonlyMap<string, string>,
): CamerasFigures {
  const analysed = counterDelta(before, after, 'vigil_frames_analyzed_total', 'camera');
  const decoded = counterDelta(before, after, 'vigil_frames_decoded_total', 'camera');
  const cpu = counterDelta(before, after, 'vigil_camera_decode_cpu_seconds_total', 'camera');
  const decodeCpu = (camera: string | undefined): number => ((camera === undefined ? sumOf(cpu) : (cpu.get(camera) ?? 0)) / seconds) * 100;
  const perCamera: Record<string, CameraFigures> = {};
  for (const id of ids) {
    perCamera[id] = {
      analysedFps: (analysed.get(id) ?? 0) / seconds,
      decodedFps: (decoded.get(id) ?? 0) / seconds,
      dropped: droppedOf(before, after, id),
      frameAge: frameAge(histogramDelta(before, after, AGE_METRIC, (l) => l.camera === id)),
      lag: frameAge(histogramDelta(before, after, LAG_METRIC, (l) => l.camera === id)),
      wake: frameAge(histogramDelta(before, after, WAKE_METRIC, (l) => l.camera === id)),
      decodeCpuPercent: decodeCpu(id),
      decodeMode: modeOf(after, id),
      timeline: timelines.get(id) ?? '',
    };
  }
  const modes = new Map<string, number>();
  for (const id of ids) modes.set(modeOf(after, id), (modes.get(modeOf(after, id)) ?? 0) + 1);
  const total: CameraFigures = {
    analysedFps: sumOf(analysed) / seconds,
    decodedFps: sumOf(decoded) / seconds,
    dropped: droppedOf(before, after, undefined),
    frameAge: frameAge(histogramDelta(before, after, AGE_METRIC)),
    lag: frameAge(histogramDelta(before, after, LAG_METRIC)),
    wake: frameAge(histogramDelta(before, after, WAKE_METRIC)),
    decodeCpuPercent: decodeCpu(undefined),
    decodeMode: [...modes].map(([mode, n]) => `${mode} x${n}`).join(', '),
    timeline: '',
  };
  return { perCamera, total, fairness: fairnessOf(Object.values(perCamera).map((c) => c.analysedFps)) };
}

/** Whether any camera decoded a frame yet (a bench on cameras that never started measures nothing). */
export function anyDecoded(samples: readonly PromSample[]): boolean {
  return sumOf(sumBy(samples, 'vigil_frames_decoded_total', 'camera')) > 0;
}
