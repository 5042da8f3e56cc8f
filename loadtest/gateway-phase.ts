import { setTimeout as sleep } from 'node:timers/promises';
import { cameraFigures, anyDecoded, type CamerasFigures } from './camera-figures';
import type { BenchCamera } from './cams';
import { EventRecorder, type LatencyStats } from './events';
import { GATEWAY_LOG, GatewayProcess } from './gateway';
import type { BenchDegradeTo } from './gateway-config';
import { MachineLoad, UsageSampler, type UsageSummary } from './proc-stats';
import { scrape } from './prometheus';
import { recognitionFigures, type RecognitionFigures } from './recognition-figures';
import { frameToEventByType, type FrameToEvent } from './frame-to-event';
import { EVENT_LOOP_SAMPLE_MS } from '../src/observability';

/** Lets every decoder reach steady streaming and the models warm up before anything is counted. */
export const GATEWAY_WARM_UP_MS = 3000;
/** An empty scene is measured once the cameras had the time to go idle (ingest.idle.afterMs, 10 s, and a margin). */
export const IDLE_WARM_UP_MS = 15_000;

export interface PhaseOptions {
  readonly cameras: readonly BenchCamera[];
  readonly workers: number | 'auto';
  readonly inference?: Readonly<Record<string, unknown>>;
  readonly seconds: number;
  readonly recognition: boolean;
  readonly degradeTo?: BenchDegradeTo;
  readonly idle: boolean;
  /** Per-frame events (`vigil.face.detected`) on every camera; the frame-to-event latency is measured on them. */
  readonly detectedEvents: boolean;
  readonly warmUpMs: number;
  readonly otlpEndpoint?: string;
  readonly log: (line: string) => void;
}

/** One run of the real gateway: warm-up, one measuring window, SIGTERM. */
export interface PhaseFigures {
  /** `ingest.degradeTo` as configured ("default" = the product default, keyframes). */
  readonly degradeTo: string;
  readonly cameras: CamerasFigures;
  readonly recognition: RecognitionFigures;
  /** Per-frame events (vigil.face.detected): receive time minus the event's `time`. */
  readonly latency: LatencyStats;
  /** The gateway's own vigil_frame_to_event_seconds per event type (frame decoded to event published). */
  readonly frameToEvent: Readonly<Record<string, FrameToEvent>>;
  readonly gateway: UsageSummary;
  /** Every camera decoder (native decoder processes, or ffmpeg). */
  readonly decoders: UsageSummary;
  readonly total: UsageSummary;
  /** The gateway's event-loop lag p99 (ms) over the window, from its own metric: ticks of a 10 ms timer, the tick included. */
  readonly eventLoopLagP99Ms: number | null;
  /** The same less the timer's own interval (EVENT_LOOP_SAMPLE_MS): how long the loop was late. */
  readonly eventLoopDelayP99Ms: number | null;
  readonly benchClientCpuPercent: number;
  /** CPU used by anything else on the machine during the window (other processes, hypervisor steal). */
  readonly otherCpuPercent: number;
  readonly gatewayExitCode: number | null;
  readonly leftovers: readonly string[];
  readonly gatewayProblems: readonly string[];
}

type Group = 'gateway' | 'decoders';
type WindowFigures = Omit<PhaseFigures, 'degradeTo' | 'gatewayExitCode' | 'leftovers' | 'gatewayProblems'>;

/** The gateway itself, and everything under it: its decoder processes. */
function groupOf(gatewayPid: number | undefined) {
  return (s: { pid: number }): Group => (s.pid === gatewayPid ? 'gateway' : 'decoders');
}

const MODE_LETTER: Record<string, string> = { full: 'F', 'half-fps': 'H', keyframes: 'K' };

/** Each camera's work once a second: F/H/K by mode, lower case while idle, - when not streaming. */
function pollModes(baseUrl: string, ids: readonly string[]): { stop(): Map<string, string> } {
  const lines = new Map(ids.map((id) => [id, '']));
  const timer = setInterval(() => {
    void fetch(`${baseUrl}/v1/cameras`)
      .then((r) => r.json() as Promise<{ id: string; state: string; mode: string; idle?: boolean }[]>)
      .then((cameras) => {
        for (const c of cameras) {
          if (!lines.has(c.id)) continue;
          const letter = c.state !== 'streaming' ? '-' : (MODE_LETTER[c.mode] ?? '?');
          lines.set(c.id, (lines.get(c.id) ?? '') + (c.idle ? letter.toLowerCase() : letter));
        }
      })
      .catch(() => undefined);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return lines;
    },
  };
}

function lateBy(lagMs: number | null): number | null {
  return lagMs === null ? null : Math.max(0, lagMs - EVENT_LOOP_SAMPLE_MS);
}

function eventLoopLagMs(samples: readonly { name: string; value: number }[]): number | null {
  const p99 = samples.find((s) => s.name === 'nodejs_eventloop_lag_p99_seconds' || s.name === 'vigil_nodejs_eventloop_lag_p99_seconds');
  return p99 ? p99.value * 1000 : null;
}

async function measureWindow(gateway: GatewayProcess, options: PhaseOptions): Promise<WindowFigures> {
  const recorder = await EventRecorder.connect(`ws://127.0.0.1:${gateway.port}/v1/events`);
  try {
    await sleep(options.warmUpMs);
    const before = await scrape(gateway.baseUrl);
    if (!anyDecoded(before)) {
      throw new Error(`no camera decoded a frame during warm-up (${gateway.problems.join(' | ') || 'no warnings'}); see ${GATEWAY_LOG}`);
    }
    const sampler = new UsageSampler<Group>(() => gateway.tree(), groupOf(gateway.pid));
    const modes = pollModes(gateway.baseUrl, options.cameras.map((c) => c.id));
    const started = performance.now();
    const clientCpu = process.cpuUsage();
    const machine = new MachineLoad();
    sampler.start();
    recorder.startMeasuring();
    options.log(`  measuring ${options.seconds} s`);
    await sleep(options.seconds * 1000);
    const latency = recorder.stopMeasuring();
    sampler.stop();
    const timelines = modes.stop();
    const machineCpu = machine.cpuPercent();
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(clientCpu);
    const benchClientCpuPercent = ((used.user + used.system) / 1e6 / elapsed) * 100;
    const after = await scrape(gateway.baseUrl);
    const total = sampler.totalSummary();
    const ids = options.cameras.map((c) => c.id);
    return {
      cameras: cameraFigures(before, after, elapsed, ids, timelines),
      recognition: recognitionFigures(before, after, elapsed, options.recognition),
      latency,
      frameToEvent: frameToEventByType(before, after),
      gateway: sampler.summary('gateway'),
      decoders: sampler.summary('decoders'),
      total,
      eventLoopLagP99Ms: eventLoopLagMs(after),
      eventLoopDelayP99Ms: lateBy(eventLoopLagMs(after)),
      benchClientCpuPercent,
      otherCpuPercent: Math.max(0, machineCpu - total.cpuPercent - benchClientCpuPercent),
    };
  } finally {
    recorder.close();
  }
}

export async function runGatewayPhase(options: PhaseOptions): Promise<PhaseFigures> {
  const gateway = await GatewayProcess.start(options);
  options.log(`  gateway pid ${gateway.pid} listening on port ${gateway.port}; warming up ${options.warmUpMs / 1000} s`);
  let figures: WindowFigures | undefined;
  let failure: unknown;
  try {
    figures = await measureWindow(gateway, options);
  } catch (error) {
    failure = error;
  }
  options.log('  stopping gateway (SIGTERM)');
  const exit = await gateway.stop();
  if (exit.leftovers.length > 0) options.log(`  killed leftover processes: ${exit.leftovers.join(', ')}`);
  if (figures === undefined) throw failure;
  return { degradeTo: options.degradeTo ?? 'default', ...figures, gatewayExitCode: exit.code, leftovers: exit.leftovers, gatewayProblems: gateway.problems };
}
