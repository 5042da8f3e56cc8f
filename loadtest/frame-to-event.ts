import { bucketQuantile, histogramDelta } from './histogram';
import type { PromSample } from './prometheus';

/** vigil_frame_to_event_seconds over the window, per event type: frame read off the decoder to the event published. */
export interface FrameToEvent {
  readonly events: number;
  /** Exact, from _sum / _count. */
  readonly meanMs: number;
  /** Bucket-interpolated (bounds 5, 10, 25, 50, 75, 100, 120, 150, 250, 500 ms, ...). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p99AboveTopBucket: boolean;
}

export function frameToEventByType(before: readonly PromSample[], after: readonly PromSample[]): Record<string, FrameToEvent> {
  const types = new Set(after.filter((s) => s.name === 'vigil_frame_to_event_seconds_count').map((s) => s.labels.type ?? ''));
  const out: Record<string, FrameToEvent> = {};
  for (const type of [...types].sort()) {
    const h = histogramDelta(before, after, 'vigil_frame_to_event_seconds', (labels) => labels.type === type);
    if (h.count <= 0) continue;
    const p50 = bucketQuantile(h, 0.5);
    const p99 = bucketQuantile(h, 0.99);
    out[type] = { events: h.count, meanMs: (h.sum / h.count) * 1000, p50Ms: p50.value * 1000, p99Ms: p99.value * 1000, p99AboveTopBucket: p99.aboveTopBucket };
  }
  return out;
}
