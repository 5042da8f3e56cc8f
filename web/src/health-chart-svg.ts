/**
 * The geometry of the health charts: SVG path data for a series and the x-ranges of flagged
 * buckets (trouble, idle). Pure (no DOM): unit-tested in Node. Coordinates are in a viewBox of
 * `width` x `height`; bucket i spans [i * width / n, (i + 1) * width / n].
 */

/** A line through the values (gaps where a value is null), scaled so `max` is the top; a lone value is a dot (drawn with round caps). */
export function linePath(values: readonly (number | null)[], width: number, height: number, max: number): string {
  const n = values.length;
  if (n === 0 || max <= 0) return '';
  const step = width / n;
  const parts: string[] = [];
  let run = 0;
  const endRun = (): void => {
    if (run === 1) parts.push('h0.1');
    run = 0;
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return endRun();
    const x = round(step * i + step / 2);
    const y = round(height - (Math.min(v, max) / max) * height);
    parts.push(`${run > 0 ? 'L' : 'M'}${x} ${y}`);
    run += 1;
  });
  endRun();
  return parts.join('');
}

/** One bar per bucket (counts: drops, reconnects), as one path of rectangles; zero buckets draw nothing. */
export function barsPath(values: readonly number[], width: number, height: number, max: number): string {
  const n = values.length;
  if (n === 0 || max <= 0) return '';
  const step = width / n;
  const barWidth = Math.max(step * 0.8, 0.5);
  return values
    .map((v, i) => {
      if (!(v > 0)) return '';
      const h = Math.max(1, (Math.min(v, max) / max) * height);
      return `M${round(step * i)} ${round(height - h)}h${round(barWidth)}v${round(h)}h${round(-barWidth)}Z`;
    })
    .join('');
}

/** Runs of consecutive flagged buckets as [x, width] in the viewBox. */
export function bands(flags: readonly boolean[], width: number): [number, number][] {
  const n = flags.length;
  const out: [number, number][] = [];
  const step = n === 0 ? 0 : width / n;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const on = i < n && flags[i] === true;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push([round(start * step), round((i - start) * step)]);
      start = -1;
    }
  }
  return out;
}

/** A round top for an axis: the next of 1, 2, 5 x 10^k at or above `value` (at least `floor`). */
export function niceMax(value: number, floor = 1): number {
  const v = Math.max(value, floor);
  const power = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * power >= v) return m * power;
  return 10 * power;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
