import { availableParallelism } from 'node:os';
import { UsageError, parseBenchArgs, type BenchArgs } from './args';
import { linkCameraClips, rtspCameras, type BenchCamera } from './cams';
import { RtspSource } from './rtsp-source';
import { prepareScene } from './scenes';
import { runEventsSuite } from './events-suite';
import { GATEWAY_LOG } from './gateway';
import { GATEWAY_WARM_UP_MS, IDLE_WARM_UP_MS, runGatewayPhase, type PhaseFigures } from './gateway-phase';
import type { BenchDegradeTo } from './gateway-config';
import { measureDecodeLimit, measureDetectorLimit } from './limits';
import { runInferenceSuite } from './inference-suite';
import { resolveWorkers } from '../src/inference';
import { ANALYSIS, decodeFrames, prepareClip } from './media';
import { OtlpSink } from './otlp-sink';
import { detectorWork, formatJson, formatReport, type BenchResult, type BoundBy, type CameraSuiteResult } from './report';

/** The clip is 10 s, so 50 frames at 5 fps is all of it: the detector sees every scene once per lap. */
const DETECTOR_FRAMES = 50;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Enough clip for the warm-up, every phase and the stops between them. */
function clipSeconds(args: BenchArgs): number {
  return (args.seconds + (args.warmUpSeconds ?? 0) + 45) * (args.adaptiveCompare ? 2 : 1) + 30;
}

async function runCameraSuite(args: BenchArgs): Promise<CameraSuiteResult> {
  const resolution = `${args.resolution.width}x${args.resolution.height}`;
  log(`Preparing the ${resolution} ${args.scene} scene`);
  const { clip: sceneClip } = await prepareScene(args.scene, args.resolution, clipSeconds(args));
  let source: RtspSource | null = null;
  let cameras: BenchCamera[];
  if (args.source === 'rtsp') {
    source = await RtspSource.start(sceneClip);
    cameras = rtspCameras(source.url, args.cameras);
    log(`  ${sceneClip} served live by GStreamer's RTSP server at ${source.url} (each camera its own session, RTP over TCP)`);
  } else {
    cameras = linkCameraClips(sceneClip, args.cameras);
    log(`  ${sceneClip} (one link per camera under loadtest/.cache/cams/)`);
  }
  try {
    return await measureCameras(args, cameras, args.scene === 'faces' ? sceneClip : await prepareClip(args.resolution));
  } finally {
    await source?.stop();
  }
}

async function measureCameras(args: BenchArgs, cameras: BenchCamera[], clip: string): Promise<CameraSuiteResult> {
  // With --adaptive-compare, "off" first and the product default last: the default is the one the ratio is about.
  const configs: (BenchDegradeTo | undefined)[] = args.adaptiveCompare ? ['off', undefined] : [undefined];
  const phases: PhaseFigures[] = [];
  const otlp = args.tracing ? await OtlpSink.start() : null;
  try {
    for (const degradeTo of configs) {
      log(`Gateway phase: ${args.cameras} camera(s), ${args.workers} worker(s), recognition ${args.recognition ? 'on' : 'off'}, degradeTo ${degradeTo ?? 'default (keyframes)'}, idle ${args.idle ? 'on' : 'off'}, per-frame events ${args.detectedEvents ? 'on' : 'off'}, tracing ${otlp ? `exported to ${otlp.url}` : 'off'} (log: ${GATEWAY_LOG})`);
      const warmUpMs = args.warmUpSeconds !== undefined ? args.warmUpSeconds * 1000 : args.scene === 'idle' && args.idle ? IDLE_WARM_UP_MS : GATEWAY_WARM_UP_MS;
      const inference = args.provider === undefined ? {} : { inference: { provider: args.provider } };
      phases.push(await runGatewayPhase({ cameras, workers: args.workers, ...inference, seconds: args.seconds, recognition: args.recognition, idle: args.idle, detectedEvents: args.detectedEvents, warmUpMs, log, ...(degradeTo !== undefined && { degradeTo }), ...(otlp && { otlpEndpoint: otlp.url }) }));
    }
    if (otlp) log(`  OTLP receiver: ${otlp.spans} spans in ${otlp.requests} requests (${Math.round(otlp.bytes / 1024)} KiB)`);
  } finally {
    await otlp?.close();
  }

  log(`Bare decode limit: ${args.cameras} ffmpeg without -re, ${args.seconds} s`);
  const decodeLimit = await measureDecodeLimit(clip, args.cameras, args.seconds);
  log(`Bare detector limit: ${args.workers} worker(s) on ${DETECTOR_FRAMES} decoded frames, ${args.seconds} s, ${detectorWork(args.recognition, args.detectedEvents)}`);
  const frames = await decodeFrames(clip, DETECTOR_FRAMES);
  const workers = resolveWorkers(args.workers, { cores: availableParallelism(), accelerated: false, gpuRuns: 1 });
  const detectorLimit = await measureDetectorLimit(frames, workers, args.seconds, args.recognition, args.detectedEvents);

  const main = phases.at(-1) as PhaseFigures;
  const demandFps = args.cameras * ANALYSIS.fps;
  const candidates: [BoundBy, number][] = [['decode', decodeLimit.fps], ['detector', detectorLimit.fps], ['demand', demandFps]];
  const [boundBy, bound] = candidates.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    demandFps,
    phases,
    decodeLimit,
    detectorLimit,
    bound,
    boundBy,
    ratio: main.cameras.total.analysedFps / bound,
    machineCpuPercent: main.total.cpuPercent / availableParallelism(),
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const inference = args.suite === 'inference' ? await runInferenceSuite(args, log) : undefined;
  const cameraSuite = args.suite === 'cameras' || args.suite === 'all' ? await runCameraSuite(args) : undefined;
  const events = args.suite === 'events' || args.suite === 'all' ? await runEventsSuite(log) : undefined;
  const result: BenchResult = {
    cameras: args.cameras,
    resolution: `${args.resolution.width}x${args.resolution.height}`,
    seconds: args.seconds,
    workers: args.workers,
    cores: availableParallelism(),
    recognition: args.recognition,
    suite: args.suite,
    source: args.source,
    scene: args.scene,
    idle: args.idle,
    detectedEvents: args.detectedEvents,
    ...(cameraSuite && { cameraSuite }),
    ...(events && { events }),
    ...(inference && { inference }),
  };
  log(formatReport(result));
  log(formatJson(result));
  const unclean = cameraSuite?.phases.some((p) => p.leftovers.length > 0 || p.gatewayExitCode !== 0) ?? false;
  if (unclean) process.exitCode = 1;
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
