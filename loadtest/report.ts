import type { LatencyStats } from './events';
import type { DecodeLimit, DetectorLimit } from './limits';
import type { UsageSummary } from './proc-stats';

export type BoundBy = 'decode' | 'detector' | 'demand';

export interface BenchResult {
  readonly cameras: number;
  readonly resolution: string;
  readonly seconds: number;
  readonly workers: number;
  readonly cores: number;
  /** cameras x configured fps: what the gateway is asked to analyse. */
  readonly demandFps: number;
  readonly analysedFps: number;
  readonly analysedFpsPerCamera: Readonly<Record<string, number>>;
  readonly decodedFps: number;
  /** Frames dropped inside the window, by reason (counts, not rates). */
  readonly dropped: Readonly<Record<string, number>>;
  readonly latency: LatencyStats;
  readonly gateway: UsageSummary;
  readonly ffmpeg: UsageSummary;
  readonly total: UsageSummary;
  readonly benchClientCpuPercent: number;
  /** CPU used by anything else on the machine during the gateway window (other processes, hypervisor steal). */
  readonly otherCpuPercent: number;
  readonly decodeLimit: DecodeLimit;
  readonly detectorLimit: DetectorLimit;
  readonly bound: number;
  readonly boundBy: BoundBy;
  readonly ratio: number;
  /** Gateway + ffmpeg CPU as a share of all cores: near 100 means the machine itself is the limit. */
  readonly machineCpuPercent: number;
  readonly gatewayExitCode: number | null;
  readonly leftovers: readonly string[];
  readonly gatewayProblems: readonly string[];
}

const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
/** Above this much CPU used by others (100 = one core), the figures are not trustworthy. */
const BACKGROUND_WARNING = 15;

function backgroundLine(r: BenchResult): string {
  const phases = [r.otherCpuPercent, r.decodeLimit.otherCpuPercent, r.detectorLimit.otherCpuPercent];
  const line = `CPU used by other processes meanwhile: gateway phase ${f1(phases[0] ?? 0)} %, bare decode ${f1(phases[1] ?? 0)} %, bare detector ${f1(phases[2] ?? 0)} %`;
  return phases.some((p) => p > BACKGROUND_WARNING) ? `${line}\nWARNING: the machine was not idle; rerun for trustworthy figures.` : line;
}

function usage(label: string, u: UsageSummary): string {
  return `  ${label.padEnd(22)} CPU ${f1(u.cpuPercent).padStart(6)} %   RSS peak ${f1(u.peakRssMb).padStart(7)} MB (mean ${f1(u.meanRssMb)} MB)`;
}

export function formatReport(r: BenchResult): string {
  const perCamera = Object.entries(r.analysedFpsPerCamera).map(([id, fps]) => `${id} ${f2(fps)}`).join(', ');
  const dropped = Object.entries(r.dropped).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none';
  const { latency: l, decodeLimit: d, detectorLimit: i } = r;
  return [
    '',
    `=== Vigil bench: ${r.cameras} camera(s), source ${r.resolution}, analysed at 640x360 @ 5 fps, ${r.workers} worker(s), ${r.seconds} s, ${r.cores} cores ===`,
    '',
    'Gateway (node bin/vigil.js serve)',
    `  analysed fps           ${f2(r.analysedFps)} of ${r.demandFps} configured   [per camera: ${perCamera}]`,
    `  decoded fps            ${f2(r.decodedFps)}`,
    `  dropped in window      ${dropped}`,
    `  frame-to-event latency p50 ${f1(l.p50Ms)} ms   p99 ${f1(l.p99Ms)} ms   max ${f1(l.maxMs)} ms   (${l.events} events; only frames with a face make one)`,
    usage('gateway (node)', r.gateway),
    usage('ffmpeg (all children)', r.ffmpeg),
    usage('total', r.total),
    `  share of the machine   ${f1(r.machineCpuPercent)} % of ${r.cores} cores`,
    `  bench client CPU       ${f1(r.benchClientCpuPercent)} %   (WebSocket client + scrapes, not in the totals)`,
    '',
    'Limits on the same input, each measured alone',
    `  bare decode            ${f2(d.fps)} fps   (${r.cameras} x ffmpeg without -re; ffmpeg CPU ${f1(d.ffmpegCpuPercent)} %, pipe reader CPU ${f1(d.readerCpuPercent)} %)`,
    `  bare detector          ${f2(i.fps)} fps   (${r.workers} worker(s) always busy; CPU ${f1(i.cpuPercent)} %, mean inference ${f1(i.meanInferenceMs)} ms)`,
    `  configured demand      ${r.demandFps} fps`,
    '',
    `Ratio ${f2(r.ratio)} = analysed ${f2(r.analysedFps)} / min(decode ${f2(d.fps)}, detector ${f2(i.fps)}, demand ${r.demandFps}) = ${f2(r.bound)} (bound by ${r.boundBy})`,
    '  1.00 means the gateway analyses as many frames as the tightest limit allows: no overhead of its own.',
    '  Below 1.00 is frames lost to the gateway: its own overhead, or decode and detection competing for',
    '  the same cores (each limit above had the machine to itself; see "share of the machine").',
    '',
    backgroundLine(r),
    `Gateway exit code ${r.gatewayExitCode ?? 'none (killed)'}; leftover processes: ${r.leftovers.length === 0 ? 'none' : r.leftovers.join(', ')}`,
    r.gatewayProblems.length === 0 ? 'Gateway warnings/errors: none' : `Gateway warnings/errors (${r.gatewayProblems.length}): ${[...new Set(r.gatewayProblems)].join(' | ')}`,
    '',
  ].join('\n');
}

/** Rounds every number to 2 decimals, so the JSON line stays readable. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

export function formatJson(r: BenchResult): string {
  return `BENCH_JSON ${JSON.stringify(rounded(r))}`;
}
