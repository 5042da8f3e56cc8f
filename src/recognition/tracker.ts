import { iou, type Box } from '../inference';

/** A face as the tracker sees it: where it is and how usable this view is. */
export interface TrackedObservation {
  readonly box: Box;
  readonly quality: number;
}

export interface TrackerSettings {
  /** Least IoU for a detection to continue a track. */
  readonly iouThreshold: number;
  /** A track ends after this long unseen. */
  readonly maxUnseenMs: number;
}

/**
 * How well a detection continues a track: IoU, or — for a face that moved more than its own
 * width between analysed frames (5 fps) — a centre distance under 60% of the box size with a
 * similar size. Returns 0 for no match.
 */
export function affinity(last: Box, next: Box, iouThreshold: number): number {
  const overlap = iou(last, next);
  if (overlap >= iouThreshold) return overlap;
  const size = Math.max(last.width, last.height);
  const ratio = next.height / last.height;
  if (ratio < 0.67 || ratio > 1.5) return 0;
  const d = Math.hypot(last.x + last.width / 2 - (next.x + next.width / 2), last.y + last.height / 2 - (next.y + next.height / 2));
  return d < 0.6 * size ? iouThreshold * (1 - d / (0.6 * size)) * 0.99 : 0;
}

/**
 * Greedy association, best pair first: returns for each detection the index of the track it
 * continues, or -1 for a new track. Pure and deterministic.
 */
export function associate(tracks: readonly Box[], detections: readonly Box[], iouThreshold: number): number[] {
  const pairs: { t: number; d: number; score: number }[] = [];
  tracks.forEach((t, ti) =>
    detections.forEach((d, di) => {
      const score = affinity(t, d, iouThreshold);
      if (score > 0) pairs.push({ t: ti, d: di, score });
    }),
  );
  pairs.sort((a, b) => b.score - a.score || a.t - b.t || a.d - b.d);
  const result = detections.map(() => -1);
  const usedTracks = new Set<number>();
  for (const p of pairs) {
    if (usedTracks.has(p.t) || result[p.d] !== -1) continue;
    usedTracks.add(p.t);
    result[p.d] = p.t;
  }
  return result;
}
