import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError, parseBenchArgs, type BenchArgs } from './args';
import { EventRecorder } from './events';
import { GATEWAY_LOG, GatewayProcess, type GatewayExit } from './gateway';
import { measureDecodeLimit, measureDetectorLimit } from './limits';
import { ANALYSIS, decodeFrames, prepareClip } from './media';
import { MachineLoad, UsageSampler } from './proc-stats';
import { counterDelta, scrape, sumBy, total } from './prometheus';
import { formatJson, formatReport, type BenchResult, type BoundBy } from './report';

/** Lets every ffmpeg reach steady streaming and the model warm up before anything is counted. */
const GATEWAY_WARM_UP_MS = 3000;
/** The clip is 10 s, so 50 frames at 5 fps is all of it: the detector sees every scene once per lap. */
const DETECTOR_FRAMES = 50;

/** Every reason the gateway counts a dropped frame under (src/ingest/frame-ring.ts, src/camera-runtime.ts). */
const DROP_REASONS = { ring_full: 0, stale: 0, inference_error: 0 };

type GatewayFigures = Pick<
  BenchResult,
  'analysedFps' | 'analysedFpsPerCamera' | 'decodedFps' | 'dropped' | 'latency' | 'gateway' | 'ffmpeg' | 'total' | 'benchClientCpuPercent' | 'otherCpuPercent' | 'gatewayExitCode' | 'leftovers' | 'gatewayProblems'
>;

type WindowFigures = Omit<GatewayFigures, 'gatewayExitCode' | 'leftovers' | 'gatewayProblems'>;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Warm-up, then one measuring window on a running gateway. */
async function measureWindow(gateway: GatewayProcess, args: BenchArgs): Promise<WindowFigures> {
  const recorder = await EventRecorder.connect(`ws://127.0.0.1:${gateway.port}/v1/events`);
  try {
    await sleep(GATEWAY_WARM_UP_MS);
    const before = await scrape(gateway.baseUrl);
    // Measuring a gateway whose cameras never started would report a meaningless 0 fps.
    if (total(sumBy(before, 'vigil_frames_decoded_total', 'camera')) === 0) {
      throw new Error(`no camera decoded a frame during warm-up (${gateway.problems.join(' | ') || 'no warnings'}); see ${GATEWAY_LOG}`);
    }
    const sampler = new UsageSampler<'gateway' | 'ffmpeg' | 'other'>(
      () => gateway.tree(),
      (s) => (s.pid === gateway.pid ? 'gateway' : s.comm === 'ffmpeg' ? 'ffmpeg' : 'other'),
    );
    const started = performance.now();
    const clientCpu = process.cpuUsage();
    const machine = new MachineLoad();
    sampler.start();
    recorder.startMeasuring();
    log(`  measuring ${args.seconds} s`);
    await sleep(args.seconds * 1000);
    const latency = recorder.stopMeasuring();
    sampler.stop();
    const machineCpu = machine.cpuPercent();
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(clientCpu);
    const benchClientCpuPercent = ((used.user + used.system) / 1e6 / elapsed) * 100;
    const totalUsage = sampler.totalSummary();
    const after = await scrape(gateway.baseUrl);
    const analysed = counterDelta(before, after, 'vigil_frames_analyzed_total', 'camera');
    // A camera that never got a frame analysed has no counter at all; it must show as 0, not vanish.
    const ids = Array.from({ length: args.cameras }, (_, i) => `bench-${i}`);
    return {
      analysedFps: total(analysed) / elapsed,
      analysedFpsPerCamera: Object.fromEntries(ids.map((id) => [id, (analysed.get(id) ?? 0) / elapsed])),
      decodedFps: total(counterDelta(before, after, 'vigil_frames_decoded_total', 'camera')) / elapsed,
      // A reason's counter only exists once it has happened; listing all keeps runs comparable.
      dropped: { ...DROP_REASONS, ...Object.fromEntries(counterDelta(before, after, 'vigil_frames_dropped_total', 'reason')) },
      latency,
      gateway: sampler.summary('gateway'),
      ffmpeg: sampler.summary('ffmpeg'),
      total: totalUsage,
      benchClientCpuPercent,
      otherCpuPercent: Math.max(0, machineCpu - totalUsage.cpuPercent - benchClientCpuPercent),
    };
  } finally {
    recorder.close();
  }
}

async function stopGateway(gateway: GatewayProcess): Promise<GatewayExit> {
  log('  stopping gateway (SIGTERM)');
  const exit = await gateway.stop();
  if (exit.leftovers.length > 0) log(`  killed leftover processes: ${exit.leftovers.join(', ')}`);
  return exit;
}

async function measureGateway(args: BenchArgs, clip: string): Promise<GatewayFigures> {
  const gateway = await GatewayProcess.start({ cameras: args.cameras, workers: args.workers, clip });
  log(`  gateway pid ${gateway.pid} listening on port ${gateway.port}; warming up ${GATEWAY_WARM_UP_MS / 1000} s`);
  let figures: WindowFigures;
  try {
    figures = await measureWindow(gateway, args);
  } catch (error) {
    await stopGateway(gateway);
    throw error;
  }
  const exit = await stopGateway(gateway);
  return { ...figures, gatewayExitCode: exit.code, leftovers: exit.leftovers, gatewayProblems: gateway.problems };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const resolution = `${args.resolution.width}x${args.resolution.height}`;
  const cores = availableParallelism();
  log(`Preparing the ${resolution} clip`);
  const clip = await prepareClip(args.resolution);
  log(`  ${clip}`);

  log(`Gateway phase: ${args.cameras} camera(s), ${args.workers} worker(s) (log: ${GATEWAY_LOG})`);
  const gateway = await measureGateway(args, clip);

  log(`Bare decode limit: ${args.cameras} ffmpeg without -re, ${args.seconds} s`);
  const decodeLimit = await measureDecodeLimit(clip, args.cameras, args.seconds);
  log(`Bare detector limit: ${args.workers} worker(s) on ${DETECTOR_FRAMES} decoded frames, ${args.seconds} s`);
  const frames = await decodeFrames(clip, DETECTOR_FRAMES);
  const detectorLimit = await measureDetectorLimit(frames, args.workers, args.seconds);

  const demandFps = args.cameras * ANALYSIS.fps;
  const candidates: [BoundBy, number][] = [['decode', decodeLimit.fps], ['detector', detectorLimit.fps], ['demand', demandFps]];
  const [boundBy, bound] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  const result: BenchResult = {
    cameras: args.cameras,
    resolution,
    seconds: args.seconds,
    workers: args.workers,
    cores,
    demandFps,
    ...gateway,
    decodeLimit,
    detectorLimit,
    bound,
    boundBy,
    ratio: gateway.analysedFps / bound,
    machineCpuPercent: gateway.total.cpuPercent / cores,
  };
  log(formatReport(result));
  log(formatJson(result));
  if (gateway.leftovers.length > 0 || gateway.gatewayExitCode !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
