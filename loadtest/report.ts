import type { Suite } from './args';
import type { EventsSuiteResult } from './events-suite';
import { formatEventsSuite } from './events-suite';
import type { PhaseFigures } from './gateway-phase';
import type { DecodeLimit, DetectorLimit } from './limits';
import { f1, f2 } from './report-format';
import { formatCompare, formatPhase } from './report-phase';
import type { InferenceSuiteResult } from './inference-suite';
import { formatInferenceSuite } from './inference-report';

export type BoundBy = 'decode' | 'detector' | 'demand';

/** The camera suite: one gateway phase (two with --adaptive-compare, the default one last), then the limits. */
export interface CameraSuiteResult {
  /** cameras x configured fps: what the gateway is asked to analyse. */
  readonly demandFps: number;
  readonly phases: readonly PhaseFigures[];
  readonly decodeLimit: DecodeLimit;
  readonly detectorLimit: DetectorLimit;
  /** Of the default-config phase (the last one). */
  readonly bound: number;
  readonly boundBy: BoundBy;
  readonly ratio: number;
  /** Gateway + ffmpeg CPU as a share of all cores: near 100 means the machine itself is the limit. */
  readonly machineCpuPercent: number;
}

export interface BenchResult {
  readonly cameras: number;
  readonly resolution: string;
  readonly seconds: number;
  readonly workers: number | 'auto';
  readonly cores: number;
  readonly recognition: boolean;
  readonly suite: Suite;
  readonly source: 'rtsp' | 'file';
  readonly scene: string;
  readonly idle: boolean;
  /** `detectedEvents` on every camera (off: the product default). */
  readonly detectedEvents: boolean;
  readonly cameraSuite?: CameraSuiteResult;
  readonly events?: EventsSuiteResult;
  readonly inference?: InferenceSuiteResult;
}

/** What the bare detector limit runs per frame: the same as the gateway's cameras. */
export function detectorWork(recognition: boolean, detectedEvents: boolean): string {
  if (!recognition) return 'detection only';
  return detectedEvents ? 'detection + landmarks/quality/liveness' : 'detection + landmarks/quality; liveness only on reported views, as without per-frame events';
}

/** Above this much CPU used by others (100 = one core), the figures are not trustworthy. */
const BACKGROUND_WARNING = 15;

function backgroundLine(c: CameraSuiteResult): string {
  const phases = [...c.phases.map((p) => p.otherCpuPercent), c.decodeLimit.otherCpuPercent, c.detectorLimit.otherCpuPercent];
  const line = `CPU used by other processes meanwhile: gateway phase(s) ${c.phases.map((p) => `${f1(p.otherCpuPercent)} %`).join(' / ')}, bare decode ${f1(c.decodeLimit.otherCpuPercent)} %, bare detector ${f1(c.detectorLimit.otherCpuPercent)} %`;
  return phases.some((p) => p > BACKGROUND_WARNING) ? `${line}\nWARNING: the machine was not idle (other sessions share it); rerun on an idle machine for trustworthy figures.` : line;
}

function formatCameraSuite(r: BenchResult, c: CameraSuiteResult): string[] {
  const main = c.phases.at(-1);
  if (main === undefined) return [];
  const { decodeLimit: d, detectorLimit: i } = c;
  const phases = c.phases.flatMap((p) => [
    '',
    `Gateway (node bin/vigil.js serve), ingest.degradeTo: ${p.degradeTo === 'default' ? 'default (keyframes)' : p.degradeTo}`,
    ...formatPhase(p, c.demandFps),
  ]);
  const first = c.phases[0];
  const compare = c.phases.length === 2 && first !== undefined ? ['', ...formatCompare(first, main)] : [];
  return [
    ...phases,
    ...compare,
    '',
    'Limits on the same input, each measured alone',
    `  bare decode            ${f2(d.fps)} fps   (${r.cameras} x ffmpeg without -re; ffmpeg CPU ${f1(d.ffmpegCpuPercent)} %, pipe reader CPU ${f1(d.readerCpuPercent)} %)`,
    `  bare detector          ${f2(i.fps)} fps   (${r.workers} worker(s) always busy, ${detectorWork(r.recognition, r.detectedEvents)}; CPU ${f1(i.cpuPercent)} %, mean inference ${f1(i.meanInferenceMs)} ms)`,
    `  configured demand      ${c.demandFps} fps`,
    '',
    `Ratio ${f2(c.ratio)} = analysed ${f2(main.cameras.total.analysedFps)} / min(decode ${f2(d.fps)}, detector ${f2(i.fps)}, demand ${c.demandFps}) = ${f2(c.bound)} (bound by ${c.boundBy})`,
    '  1.00 means the gateway analyses as many frames as the tightest limit allows: no overhead of its own.',
    '  Below 1.00 is frames lost to the gateway: its own overhead (recognition included when on), or decode and',
    '  detection competing for the same cores (each limit above had the machine to itself).',
    `  share of the machine   ${f1(c.machineCpuPercent)} % of ${r.cores} cores (gateway + decoders)`,
    '',
    backgroundLine(c),
    ...c.phases.map((p) => `Gateway (degradeTo ${p.degradeTo}) exit code ${p.gatewayExitCode ?? 'none (killed)'}; leftover processes: ${p.leftovers.length === 0 ? 'none' : p.leftovers.join(', ')}`),
    ...c.phases.map((p) => `Gateway (degradeTo ${p.degradeTo}) warnings/errors: ${p.gatewayProblems.length === 0 ? 'none' : `(${p.gatewayProblems.length}) ${[...new Set(p.gatewayProblems)].join(' | ')}`}`),
  ];
}

export function formatReport(r: BenchResult): string {
  return [
    '',
    r.cameraSuite
      ? `=== Vigil bench: suite ${r.suite}; ${r.cameras} camera(s) ${r.source === 'rtsp' ? 'live over RTSP/TCP' : 'from files'}, scene ${r.scene}, source ${r.resolution}, analysed at 640x360 @ 5 fps, recognition ${r.recognition ? 'on' : 'off'}, per-frame events ${r.detectedEvents ? 'on' : 'off'}, idle ${r.idle ? 'on' : 'off'}, ${r.workers} worker(s), ${r.seconds} s, ${r.cores} cores ===`
      : `=== Vigil bench: suite ${r.suite}, ${r.cores} cores ===`,
    ...(r.cameraSuite ? formatCameraSuite(r, r.cameraSuite) : []),
    ...(r.events ? ['', ...formatEventsSuite(r.events)] : []),
    ...(r.inference ? ['', ...formatInferenceSuite(r.inference)] : []),
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
