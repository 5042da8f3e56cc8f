import { availableParallelism } from 'node:os';
import { DetectorPool, resolveProvider, resolveWorkers } from '../src/inference';
import { createLogger } from '../src/observability';
import type { BenchArgs } from './args';
import { linkCameraClips } from './cams';
import { GATEWAY_LOG } from './gateway';
import { GATEWAY_WARM_UP_MS, runGatewayPhase } from './gateway-phase';
import { measurePerFrameCost, type PerFrameCost } from './inference-cost';
import { runSweep, type ProviderOptions, type Sweep } from './inference-sweep';
import { ANALYSIS, decodeFrames, prepareClip } from './media';

/** The clip's 50 analysis frames (10 s at 5 fps): every scene once. */
const FRAMES = 50;
const CPU_SIZES = [1, 2, 4, 8, 16];
const GPU_SIZES = [1, 2, 4, 8, 16, 32, 64];

export interface CamerasPoint {
  readonly cameras: number;
  readonly demandFps: number;
  readonly analysedFps: number;
  readonly embeddingsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly gatewayCpuPercent: number;
  readonly otherCpuPercent: number;
}

export interface InferenceSuiteResult {
  /** What the pools actually ran on, and why not the GPU when that was asked for. */
  readonly executionProvider: string;
  readonly requestedProvider: string;
  readonly fallbackReason: string | null;
  readonly workers: number;
  readonly cost: PerFrameCost;
  readonly sweep: Sweep;
  readonly camerasSweep: readonly CamerasPoint[];
}

/** What the pools and the gateway are told: `provider` when the bench was given one, else the configuration default. */
function providerOptions(args: BenchArgs): ProviderOptions {
  return args.provider === undefined ? { executionProviders: ['cpu'] } : { provider: args.provider };
}

/** Starts a pool once to learn which provider loads (a GPU one, or the CPU after `auto` fell back). */
async function probeProvider(options: ProviderOptions): Promise<{ provider: string; requested: string; fallbackReason: string | null }> {
  const pool = new DetectorPool({ ...options, workers: 1, intraOpThreads: 1, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100, logger: createLogger('warn', process.stderr) });
  await pool.start();
  const d = pool.describe();
  await pool.close();
  return { provider: d.executionProvider ?? 'none', requested: d.requestedProvider, fallbackReason: d.fallbackReason };
}

export async function runInferenceSuite(args: BenchArgs, log: (line: string) => void): Promise<InferenceSuiteResult> {
  const options = providerOptions(args);
  const probe = await probeProvider(options);
  const onGpu = probe.provider !== 'cpu';
  if (!onGpu) log(`No GPU execution provider in use (requested ${probe.requested}${probe.fallbackReason ? `: ${probe.fallbackReason}` : ''}): the sweep runs on the CPU.`);
  else log(`Execution provider: ${probe.provider} (requested ${probe.requested})`);
  const resolved = resolveProvider(options);
  const workers = resolveWorkers(args.workers, { cores: availableParallelism(), accelerated: onGpu, gpuRuns: 1 });
  const frames = await decodeFrames(await prepareClip({ width: ANALYSIS.width, height: ANALYSIS.height }), FRAMES);

  log(`Per-frame cost: bare detector, preprocessing, decoding, then the pool (one frame in flight), ${args.seconds} s each`);
  const cost = await measurePerFrameCost(frames, args.seconds, resolved, options);
  const sizes = args.batchSizes ?? (onGpu ? GPU_SIZES : CPU_SIZES);
  log(`Batch sweep: ${sizes.join(', ')}; ${workers} worker(s); ${args.seconds} s per point`);
  const sweep = await runSweep({ frames, sizes, seconds: args.seconds, workers, provider: resolved, providerOptions: options, log });

  const camerasSweep: CamerasPoint[] = [];
  for (const n of args.camerasSweep) {
    log(`End to end: ${n} camera(s), recognition on, ${args.workers} worker(s) (log: ${GATEWAY_LOG})`);
    const phase = await runGatewayPhase({ cameras: linkCameraClips(await prepareClip(args.resolution), n), workers: args.workers, inference: { ...options }, seconds: args.seconds, recognition: true, idle: args.idle, detectedEvents: args.detectedEvents, warmUpMs: GATEWAY_WARM_UP_MS, log });
    camerasSweep.push({
      cameras: n,
      demandFps: n * ANALYSIS.fps,
      analysedFps: phase.cameras.total.analysedFps,
      embeddingsPerSecond: phase.recognition.embeddingsPerSecond,
      latencyP50Ms: phase.latency.p50Ms,
      gatewayCpuPercent: phase.gateway.cpuPercent,
      otherCpuPercent: phase.otherCpuPercent,
    });
  }
  return { executionProvider: probe.provider, requestedProvider: probe.requested, fallbackReason: probe.fallbackReason, workers, cost, sweep, camerasSweep };
}
