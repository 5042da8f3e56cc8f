import { availableParallelism } from 'node:os';
import { UsageError, parseBenchArgs, type BenchArgs } from './args';
import { linkCameraClips } from './cams';
import { runEventsSuite } from './events-suite';
import { GATEWAY_LOG } from './gateway';
import { runGatewayPhase, type PhaseFigures } from './gateway-phase';
import type { BenchDegradeTo } from './gateway-config';
import { measureDecodeLimit, measureDetectorLimit } from './limits';
import { ANALYSIS, decodeFrames, prepareClip } from './media';
import { OtlpSink } from './otlp-sink';
import { formatJson, formatReport, type BenchResult, type BoundBy, type CameraSuiteResult } from './report';

/** The clip is 10 s, so 50 frames at 5 fps is all of it: the detector sees every scene once per lap. */
const DETECTOR_FRAMES = 50;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function runCameraSuite(args: BenchArgs): Promise<CameraSuiteResult> {
  const resolution = `${args.resolution.width}x${args.resolution.height}`;
  log(`Preparing the ${resolution} clip`);
  const clip = await prepareClip(args.resolution);
  const cameras = linkCameraClips(clip, args.cameras);
  log(`  ${clip} (one link per camera under loadtest/.cache/cams/)`);

  // With --adaptive-compare, "off" first and the product default last: the default is the one the ratio is about.
  const configs: (BenchDegradeTo | undefined)[] = args.adaptiveCompare ? ['off', undefined] : [undefined];
  const phases: PhaseFigures[] = [];
  const otlp = args.tracing ? await OtlpSink.start() : null;
  try {
    for (const degradeTo of configs) {
      log(`Gateway phase: ${args.cameras} camera(s), ${args.workers} worker(s), recognition ${args.recognition ? 'on' : 'off'}, degradeTo ${degradeTo ?? 'default (keyframes)'}, tracing ${otlp ? `exported to ${otlp.url}` : 'off'} (log: ${GATEWAY_LOG})`);
      phases.push(await runGatewayPhase({ cameras, workers: args.workers, seconds: args.seconds, recognition: args.recognition, log, ...(degradeTo !== undefined && { degradeTo }), ...(otlp && { otlpEndpoint: otlp.url }) }));
    }
    if (otlp) log(`  OTLP receiver: ${otlp.spans} spans in ${otlp.requests} requests (${Math.round(otlp.bytes / 1024)} KiB)`);
  } finally {
    await otlp?.close();
  }

  log(`Bare decode limit: ${args.cameras} ffmpeg without -re, ${args.seconds} s`);
  const decodeLimit = await measureDecodeLimit(clip, args.cameras, args.seconds);
  log(`Bare detector limit: ${args.workers} worker(s) on ${DETECTOR_FRAMES} decoded frames, ${args.seconds} s, ${args.recognition ? 'detection + landmarks/quality/liveness' : 'detection only'}`);
  const frames = await decodeFrames(clip, DETECTOR_FRAMES);
  const detectorLimit = await measureDetectorLimit(frames, args.workers, args.seconds, args.recognition);

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
  const cameraSuite = args.suite === 'events' ? undefined : await runCameraSuite(args);
  const events = args.suite === 'cameras' ? undefined : await runEventsSuite(log);
  const result: BenchResult = {
    cameras: args.cameras,
    resolution: `${args.resolution.width}x${args.resolution.height}`,
    seconds: args.seconds,
    workers: args.workers,
    cores: availableParallelism(),
    recognition: args.recognition,
    suite: args.suite,
    ...(cameraSuite && { cameraSuite }),
    ...(events && { events }),
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
