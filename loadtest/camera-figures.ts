import { bucketQuantile, histogramDelta, type HistogramDelta } from './histogram';
import { counterDelta, sumBy, total as sumOf, type PromSample } from './prometheus';

/** Every reason the gateway counts a dropped frame under (src/ingest, src/camera-runtime.ts). */
export const DROP_REASONS = ['ring_full', 'stale', 'inference_error', 'stopped'] as const;
const AGE_METRIC = 'vigil_frame_age_at_analysis_seconds';

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
  /** CPU of the camera's ffmpeg processes (100 = one core); for the total, all ffmpeg. */
  readonly decodeCpuPercent: number;
  /** The mode at the end of the window; for the total, how many cameras are in each. */
  readonly decodeMode: string;
}

export interface CamerasFigures {
  readonly perCamera: Readonly<Record<string, CameraFigures>>;
  readonly total: CameraFigures;
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
  decodeCpu: (camera: string | undefined) => number,
): CamerasFigures {
  const analysed = counterDelta(before, after, 'vigil_frames_analyzed_total', 'camera');
  const decoded = counterDelta(before, after, 'vigil_frames_decoded_total', 'camera');
  const perCamera: Record<string, CameraFigures> = {};
  for (const id of ids) {
    perCamera[id] = {
      analysedFps: (analysed.get(id) ?? 0) / seconds,
      decodedFps: (decoded.get(id) ?? 0) / seconds,
      dropped: droppedOf(before, after, id),
      frameAge: frameAge(histogramDelta(before, after, AGE_METRIC, (l) => l.camera === id)),
      decodeCpuPercent: decodeCpu(id),
      decodeMode: modeOf(after, id),
    };
  }
  const modes = new Map<string, number>();
  for (const id of ids) modes.set(modeOf(after, id), (modes.get(modeOf(after, id)) ?? 0) + 1);
  const total: CameraFigures = {
    analysedFps: sumOf(analysed) / seconds,
    decodedFps: sumOf(decoded) / seconds,
    dropped: droppedOf(before, after, undefined),
    frameAge: frameAge(histogramDelta(before, after, AGE_METRIC)),
    decodeCpuPercent: decodeCpu(undefined),
    decodeMode: [...modes].map(([mode, n]) => `${mode} x${n}`).join(', '),
  };
  return { perCamera, total };
}

/** Whether any camera decoded a frame yet (a bench on cameras that never started measures nothing). */
export function anyDecoded(samples: readonly PromSample[]): boolean {
  return sumOf(sumBy(samples, 'vigil_frames_decoded_total', 'camera')) > 0;
}
