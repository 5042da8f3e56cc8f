import type { CameraFigures, FrameAge } from './camera-figures';
import type { UsageSummary } from './proc-stats';

export const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
export const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

export function usage(label: string, u: UsageSummary): string {
  return `  ${label.padEnd(22)} CPU ${f1(u.cpuPercent).padStart(6)} %   RSS peak ${f1(u.peakRssMb).padStart(7)} MB (mean ${f1(u.meanRssMb)} MB)`;
}

/** Non-zero reasons only, so a row stays short; "none" when nothing was dropped. */
export function drops(dropped: Readonly<Record<string, number>>): string {
  const nonZero = Object.entries(dropped).filter(([, n]) => n > 0);
  return nonZero.length === 0 ? 'none' : nonZero.map(([reason, n]) => `${reason} ${n}`).join(', ');
}

export function age(a: FrameAge): string {
  return `${f1(a.p50Ms)} / ${a.p99AboveTopBucket ? '>' : ''}${f1(a.p99Ms)}`;
}

/** A fixed-width table: the first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('   ').trimEnd());
}

export function cameraRow(label: string, c: CameraFigures): string[] {
  return [label, f2(c.analysedFps), f1(c.decodeCpuPercent), age(c.frameAge), age(c.lag), c.decodeMode, drops(c.dropped)];
}

export const CAMERA_HEADER = ['camera', 'analysed fps', 'decode CPU %', 'frame age p50 / p99 ms', 'lag p50 / p99 ms', 'decode mode at end', 'dropped (by reason)'];
