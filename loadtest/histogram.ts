import type { PromSample } from './prometheus';

/** One Prometheus histogram's growth between two scrapes: cumulative counts per upper bound, sum and count. */
export interface HistogramDelta {
  /** Sorted by bound; the last is +Inf. Counts are cumulative, as Prometheus exposes them. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  readonly sum: number;
  readonly count: number;
}

export interface Quantile {
  /** Seconds; NaN when nothing was observed. */
  readonly value: number;
  /** True when the quantile fell above the highest finite bound: the value is that bound, a lower limit. */
  readonly aboveTopBucket: boolean;
}

type Match = (labels: Readonly<Record<string, string>>) => boolean;

function collect(samples: readonly PromSample[], name: string, match: Match): { buckets: Map<number, number>; sum: number; count: number } {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (!match(s.labels)) continue;
    if (s.name === `${name}_bucket`) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    } else if (s.name === `${name}_sum`) sum += s.value;
    else if (s.name === `${name}_count`) count += s.value;
  }
  return { buckets, sum, count };
}

/** The histogram's observations between two scrapes, over every series `match` accepts (summed). */
export function histogramDelta(before: readonly PromSample[], after: readonly PromSample[], name: string, match: Match = () => true): HistogramDelta {
  const start = collect(before, name, match);
  const end = collect(after, name, match);
  const buckets = [...end.buckets.entries()]
    .map(([le, count]) => ({ le, count: count - (start.buckets.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  return { buckets, sum: end.sum - start.sum, count: end.count - start.count };
}

/**
 * The q-quantile (0..1) interpolated linearly inside its bucket, as Prometheus' histogram_quantile
 * does: an estimate whose precision is the bucket width, not an exact percentile.
 */
export function bucketQuantile(h: HistogramDelta, q: number): Quantile {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total <= 0) return { value: Number.NaN, aboveTopBucket: false };
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of h.buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return { value: lowerBound, aboveTopBucket: true };
      const inBucket = count - lowerCount;
      const share = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return { value: lowerBound + (le - lowerBound) * share, aboveTopBucket: false };
    }
    lowerBound = le;
    lowerCount = count;
  }
  return { value: lowerBound, aboveTopBucket: true };
}

/** Mean of the observations (exact: from _sum and _count), NaN when there were none. */
export function histogramMean(h: HistogramDelta): number {
  return h.count > 0 ? h.sum / h.count : Number.NaN;
}
