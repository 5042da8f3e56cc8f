import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import WebSocket from 'ws';
import { GATEWAY_LOG, GatewayProcess } from './gateway';
import { prepareLongClip } from './long-clip';
import { CACHE_DIR } from './media';
import { MemorySampler } from './memory-samples';
import { startSources, type RtspSource } from './rtsp-sources';
import { formatSoak, soakFigures } from './soak-report';

export const SOAK_USAGE = 'Usage: npm run soak -- --cameras N --minutes M [--fps 3] [--sample-seconds 10] [--heap-snapshots]';

export interface SoakArgs {
  readonly cameras: number;
  readonly minutes: number;
  readonly fps: number;
  readonly sampleSeconds: number;
  /** Heap snapshots of the gateway after 2 minutes and at the end (loadtest/.cache/heap/), to see what grows. */
  readonly heapSnapshots: boolean;
}

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const { values } = parseArgs({ args: [...argv], options: { cameras: { type: 'string' }, minutes: { type: 'string' }, fps: { type: 'string' }, 'sample-seconds': { type: 'string' }, 'heap-snapshots': { type: 'boolean' } } });
  const num = (name: string, text: string | undefined, fallback?: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (value === undefined || !Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number\n${SOAK_USAGE}`);
    return value;
  };
  return {
    cameras: Math.round(num('cameras', values.cameras)),
    minutes: num('minutes', values.minutes),
    fps: num('fps', values.fps, 3),
    sampleSeconds: num('sample-seconds', values['sample-seconds'], 10),
    heapSnapshots: values['heap-snapshots'] === true,
  };
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The gateway's streams file: one live RTSP camera per source, recognition on (the product default). */
export function rtspStreamsYaml(sources: readonly RtspSource[], fps: number, extra: Record<string, unknown> = {}): string {
  return stringify({ ...extra, cameras: sources.map((s) => ({ id: s.id, url: s.url, fps, recognition: true })) });
}

/**
 * The soak: N live RTSP cameras (GStreamer, TCP) into the real gateway with recognition, for M
 * minutes, sampling the memory of the gateway and of its decoder processes. The figure that
 * matters: how much the gateway's RSS grows after the first 10 minutes (the caches fill in
 * the first minutes; after that, growth is a leak).
 */
export async function runSoak(args: SoakArgs): Promise<void> {
  log(`Preparing a clip of at least ${args.minutes} min`);
  const clip = await prepareLongClip(args.minutes + 2);
  const sources = await startSources(args.cameras, clip);
  log(`${sources.length} RTSP sources up (GStreamer, TCP)`);
  const heapDir = join(CACHE_DIR, 'heap');
  if (args.heapSnapshots) mkdirSync(heapDir, { recursive: true });
  const env = args.heapSnapshots ? { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${heapDir}` } : {};
  const gateway = await GatewayProcess.start({ cameras: [], workers: 1, recognition: true, idle: true, yaml: rtspStreamsYaml(sources, args.fps), env });
  log(`Gateway listening on ${gateway.baseUrl} (log: ${GATEWAY_LOG}); soaking ${args.minutes} min`);
  // A subscriber, as a dashboard would be: the hub's history and sessions do their real work.
  const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/v1/events`);
  let events = 0;
  socket.on('message', () => (events += 1));
  socket.on('error', () => undefined);
  const sampler = new MemorySampler(gateway.pid as number, gateway.baseUrl);
  const end = Date.now() + args.minutes * 60_000;
  let snapshotted = false;
  let lastMinute = -1;
  try {
    while (Date.now() < end) {
      const s = await sampler.sample();
      if (!s) throw new Error(`the gateway exited; see ${GATEWAY_LOG}`);
      const minute = Math.floor(s.t / 60);
      if (minute !== lastMinute) log(`  ${minute} min: gateway RSS ${s.gatewayRssMb.toFixed(0)} MB (anonymous ${s.gatewayAnonMb.toFixed(0)}), heap ${s.heapUsedMb.toFixed(0)}/${s.heapTotalMb.toFixed(0)} MB, decoders ${s.childrenRssMb.toFixed(0)} MB (${s.children}), tracks ${s.tracks}, load ${s.loadAverage}`);
      lastMinute = minute;
      if (args.heapSnapshots && !snapshotted && s.t >= 120) {
        snapshotted = true;
        process.kill(gateway.pid as number, 'SIGUSR2');
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(args.sampleSeconds * 1000, Math.max(0, end - Date.now()))));
    }
    await sampler.sample();
    if (args.heapSnapshots) process.kill(gateway.pid as number, 'SIGUSR2');
  } finally {
    socket.close();
    const exit = await gateway.stop();
    for (const source of sources) source.kill();
    const figures = soakFigures(args, sampler.samples, events, exit.leftovers);
    writeFileSync(join(CACHE_DIR, 'soak-samples.json'), JSON.stringify(sampler.samples));
    log(formatSoak(figures));
    log(`SOAK_JSON ${JSON.stringify(figures)}`);
  }
}

if (require.main === module) {
  let args: SoakArgs;
  try {
    args = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  runSoak(args).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
