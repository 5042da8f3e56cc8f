import { setTimeout as sleep } from 'node:timers/promises';
import { cameraFigures, anyDecoded, type CamerasFigures } from './camera-figures';
import { cameraOfPid, type BenchCamera } from './cams';
import { EventRecorder, type LatencyStats } from './events';
import { GATEWAY_LOG, GatewayProcess } from './gateway';
import type { BenchDegradeTo } from './gateway-config';
import { MachineLoad, UsageSampler, type UsageSummary } from './proc-stats';
import { scrape } from './prometheus';
import { recognitionFigures, type RecognitionFigures } from './recognition-figures';
import { frameToEventByType, type FrameToEvent } from './frame-to-event';

/** Lets every ffmpeg reach steady streaming and the models warm up before anything is counted. */
export const GATEWAY_WARM_UP_MS = 3000;

export interface PhaseOptions {
  readonly cameras: readonly BenchCamera[];
  readonly workers: number;
  readonly seconds: number;
  readonly recognition: boolean;
  readonly degradeTo?: BenchDegradeTo;
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
  readonly ffmpeg: UsageSummary;
  readonly total: UsageSummary;
  readonly benchClientCpuPercent: number;
  /** CPU used by anything else on the machine during the window (other processes, hypervisor steal). */
  readonly otherCpuPercent: number;
  readonly gatewayExitCode: number | null;
  readonly leftovers: readonly string[];
  readonly gatewayProblems: readonly string[];
}

type Group = 'gateway' | 'ffmpeg' | 'other' | `camera:${string}`;
type WindowFigures = Omit<PhaseFigures, 'degradeTo' | 'gatewayExitCode' | 'leftovers' | 'gatewayProblems'>;

/** ffmpeg counts in "ffmpeg" and, when its command line names a bench camera's clip, in that camera's group. */
function groupOf(gatewayPid: number | undefined) {
  return (s: { pid: number; comm: string }): Group | Group[] => {
    if (s.pid === gatewayPid) return 'gateway';
    if (s.comm !== 'ffmpeg') return 'other';
    const camera = cameraOfPid(s.pid);
    return camera === undefined ? 'ffmpeg' : ['ffmpeg', `camera:${camera}`];
  };
}

async function measureWindow(gateway: GatewayProcess, options: PhaseOptions): Promise<WindowFigures> {
  const recorder = await EventRecorder.connect(`ws://127.0.0.1:${gateway.port}/v1/events`);
  try {
    await sleep(GATEWAY_WARM_UP_MS);
    const before = await scrape(gateway.baseUrl);
    if (!anyDecoded(before)) {
      throw new Error(`no camera decoded a frame during warm-up (${gateway.problems.join(' | ') || 'no warnings'}); see ${GATEWAY_LOG}`);
    }
    const sampler = new UsageSampler<Group>(() => gateway.tree(), groupOf(gateway.pid));
    const started = performance.now();
    const clientCpu = process.cpuUsage();
    const machine = new MachineLoad();
    sampler.start();
    recorder.startMeasuring();
    options.log(`  measuring ${options.seconds} s`);
    await sleep(options.seconds * 1000);
    const latency = recorder.stopMeasuring();
    sampler.stop();
    const machineCpu = machine.cpuPercent();
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(clientCpu);
    const benchClientCpuPercent = ((used.user + used.system) / 1e6 / elapsed) * 100;
    const after = await scrape(gateway.baseUrl);
    const total = sampler.totalSummary();
    const ids = options.cameras.map((c) => c.id);
    const decodeCpu = (camera: string | undefined): number => sampler.summary(camera === undefined ? 'ffmpeg' : `camera:${camera}`).cpuPercent;
    return {
      cameras: cameraFigures(before, after, elapsed, ids, decodeCpu),
      recognition: recognitionFigures(before, after, elapsed, options.recognition),
      latency,
      frameToEvent: frameToEventByType(before, after),
      gateway: sampler.summary('gateway'),
      ffmpeg: sampler.summary('ffmpeg'),
      total,
      benchClientCpuPercent,
      otherCpuPercent: Math.max(0, machineCpu - total.cpuPercent - benchClientCpuPercent),
    };
  } finally {
    recorder.close();
  }
}

export async function runGatewayPhase(options: PhaseOptions): Promise<PhaseFigures> {
  const gateway = await GatewayProcess.start(options);
  options.log(`  gateway pid ${gateway.pid} listening on port ${gateway.port}; warming up ${GATEWAY_WARM_UP_MS / 1000} s`);
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
