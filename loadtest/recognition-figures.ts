import { bucketQuantile, histogramDelta, histogramMean } from './histogram';
import { counterDelta, total, type PromSample } from './prometheus';

export interface RecognitionFigures {
  readonly enabled: boolean;
  /** Faces the detector found per second (vigil_face_detections_total), all cameras. */
  readonly detectionsPerSecond: number;
  /** Embeddings computed per second (vigil_face_embeddings_total): only better views of tracked faces. */
  readonly embeddingsPerSecond: number;
  readonly tracksStarted: number;
  /** Track answers in the window by result (recognized, unknown). */
  readonly answers: Readonly<Record<string, number>>;
  /** vigil_recognition_latency_seconds over the window: a track's first frame to its recognized event. */
  readonly latency: {
    readonly recognized: number;
    /** Exact, from _sum / _count. */
    readonly meanMs: number;
    /** Bucket-interpolated (bounds 0.1, 0.25, 0.5, 1, 2, 5, 10, 30 s). */
    readonly p50Ms: number;
    readonly p50AboveTopBucket: boolean;
  };
}

export function recognitionFigures(before: readonly PromSample[], after: readonly PromSample[], seconds: number, enabled: boolean): RecognitionFigures {
  const latency = histogramDelta(before, after, 'vigil_recognition_latency_seconds');
  const p50 = bucketQuantile(latency, 0.5);
  return {
    enabled,
    detectionsPerSecond: total(counterDelta(before, after, 'vigil_face_detections_total', 'camera')) / seconds,
    embeddingsPerSecond: total(counterDelta(before, after, 'vigil_face_embeddings_total', 'camera')) / seconds,
    tracksStarted: total(counterDelta(before, after, 'vigil_face_tracks_total', 'camera')),
    answers: { recognized: 0, unknown: 0, ...Object.fromEntries(counterDelta(before, after, 'vigil_recognitions_total', 'result')) },
    latency: { recognized: latency.count, meanMs: histogramMean(latency) * 1000, p50Ms: p50.value * 1000, p50AboveTopBucket: p50.aboveTopBucket },
  };
}
