import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { planChaos, type ChaosPlan } from './chaos-plan';
import { type OutageRecord, type StatusChange } from './chaos-report';
import { chaosFigures, formatChaos } from './chaos-figures';
import { signal } from './cleanup';
import { startKcatMock } from './events-bench';
import { GATEWAY_LOG, GatewayProcess } from './gateway';
import { prepareLongClip } from './long-clip';
import { CACHE_DIR } from './media';
import { readTree } from './proc-stats';
import { scrape, sumBy, total } from './prometheus';
import { startSources, type RtspSource } from './rtsp-sources';
import { rtspStreamsYaml } from './soak';

export const CHAOS_USAGE = 'Usage: npm run chaos -- --cameras N --minutes M [--seed S] [--fps 3]';
const TOPIC = 'vigil.events';
const MB = 1024 * 1024;

export interface ChaosArgs {
  readonly cameras: number;
  readonly minutes: number;
  readonly seed: number;
  readonly fps: number;
}

export function parseChaosArgs(argv: readonly string[]): ChaosArgs {
  const { values } = parseArgs({ args: [...argv], options: { cameras: { type: 'string' }, minutes: { type: 'string' }, seed: { type: 'string' }, fps: { type: 'string' } } });
  const num = (name: string, text: string | undefined, fallback?: number): number => {
    const value = text === undefined ? fallback : Number(text);
    if (value === undefined || !Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number\n${CHAOS_USAGE}`);
    return value;
  };
  return { cameras: Math.round(num('cameras', values.cameras)), minutes: num('minutes', values.minutes), seed: Math.round(num('seed', values.seed, Date.now() % 1_000_000)), fps: num('fps', values.fps, 3) };
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Every message of the topic, from the beginning, read by an independent client (kcat); their CloudEvent ids. */
function readTopicIds(bootstrap: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%s\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => signal(child.pid, 'SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat consumer exited with ${String(code)}`));
      resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { id: string }).id));
    });
  });
}

/** Runs one source's outage: down now, back after its duration; resolves with when each happened. */
async function runOutage(source: RtspSource, outage: ChaosPlan['outages'][number]): Promise<OutageRecord> {
  const startedAt = Date.now();
  if (outage.kind === 'kill') source.kill();
  else source.freeze();
  log(`${outage.camera}: ${outage.kind === 'kill' ? 'killed' : 'frozen'} for ${(outage.durationMs / 1000).toFixed(0)} s`);
  await sleep(outage.durationMs);
  if (outage.kind === 'kill') await source.start();
  else source.thaw();
  const returnedAt = Date.now();
  log(`${outage.camera}: back`);
  return { ...outage, startedAt, returnedAt };
}

/**
 * The chaos run: N live RTSP cameras (GStreamer, TCP) into the real gateway with Kafka (librdkafka's
 * mock cluster), sources killed and restarted or frozen at random (seeded: the same seed, the same
 * schedule), the broker frozen twice. Reports every outage with the time from the source's return
 * to `streaming` again, orphan processes after the gateway stops, its RSS at start and end, and
 * events lost: WebSocket (holes in `sequence`) against Kafka (ids read back with kcat).
 */
export async function runChaos(args: ChaosArgs): Promise<number> {
  const plan = planChaos({ cameras: Array.from({ length: args.cameras }, (_, i) => `cam-${i}`), minutes: args.minutes, seed: args.seed });
  log(`Chaos plan (seed ${args.seed}): ${plan.outages.length} source outages, ${plan.brokerFreezes.length} broker freezes over ${args.minutes} min`);
  const clip = await prepareLongClip(args.minutes + 3);
  const sources = await startSources(args.cameras, clip);
  const kafka = await startKcatMock(TOPIC);
  const gateway = await GatewayProcess.start({
    cameras: [],
    workers: 1,
    recognition: true,
    idle: true,
    yaml: rtspStreamsYaml(sources, args.fps, { kafka: { idempotent: false } }),
    env: { KAFKA_BROKERS: kafka.bootstrap, VIGIL_KAFKA_TOPIC: TOPIC },
  });
  log(`Gateway on ${gateway.baseUrl} (log: ${GATEWAY_LOG})`);
  const changes: StatusChange[] = [];
  const sequences: number[] = [];
  const wsIds = new Set<string>();
  const controls: string[] = [];
  // since=0: everything from the gateway's first event, out of its resume history.
  const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/v1/events?since=0`);
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { specversion?: string; id: string; sequence: number; type: string; time: string; data: { camera: string; state: string }; kind?: string; code?: string; reason?: string };
    if (!message.specversion) return void controls.push(`${message.kind ?? '?'}:${message.code ?? message.reason ?? ''}`);
    sequences.push(message.sequence);
    wsIds.add(message.id);
    if (message.type === 'vigil.camera.status') changes.push({ camera: message.data.camera, state: message.data.state, at: Date.parse(message.time) });
  });
  socket.on('error', () => undefined);
  const rss = (): { gateway: number; decoders: number } => {
    const tree = readTree(gateway.pid as number);
    return { gateway: (tree.find((p) => p.pid === gateway.pid)?.rssBytes ?? 0) / MB, decoders: tree.filter((p) => p.pid !== gateway.pid).reduce((s, p) => s + p.rssBytes, 0) / MB };
  };
  const queued = async (): Promise<number> => total(sumBy(await scrape(gateway.baseUrl), 'vigil_kafka_queued_events', '__none__'));
  const started = Date.now();
  const rssStart = rss();
  const bySource = new Map(sources.map((s) => [s.id, s]));
  let records: OutageRecord[] = [];
  let exit;
  let kafkaIds: string[] = [];
  let drained = false;
  let brokerBacklogPeak = 0;
  let rssEnd = rssStart;
  try {
    const outageRuns = plan.outages.map(async (o) => {
      await sleep(started + o.at - Date.now());
      return runOutage(bySource.get(o.camera) as RtspSource, o);
    });
    const freezeRuns = plan.brokerFreezes.map(async (f) => {
      await sleep(started + f.at - Date.now());
      signal(kafka.child.pid, 'SIGSTOP');
      log(`Kafka broker frozen for ${(f.durationMs / 1000).toFixed(0)} s`);
      const until = Date.now() + f.durationMs;
      while (Date.now() < until) {
        brokerBacklogPeak = Math.max(brokerBacklogPeak, await queued().catch(() => 0));
        await sleep(Math.min(2000, until - Date.now()));
      }
      signal(kafka.child.pid, 'SIGCONT');
      log('Kafka broker thawed');
    });
    records = await Promise.all(outageRuns);
    await Promise.all(freezeRuns);
    await sleep(started + args.minutes * 60_000 - Date.now());
    // Every camera streaming again, and Kafka caught up, before the gateway stops.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const streaming = new Map<string, string>();
      for (const c of changes) streaming.set(c.camera, c.state);
      drained = (await queued().catch(() => 1)) === 0;
      if (drained && [...bySource.keys()].every((id) => streaming.get(id) === 'streaming')) break;
      await sleep(1000);
    }
    rssEnd = rss();
  } finally {
    socket.close();
    exit = await gateway.stop();
    for (const source of sources) source.kill();
    kafkaIds = await readTopicIds(kafka.bootstrap).catch((error: unknown) => {
      log(`reading the topic back failed: ${String(error)}`);
      return [];
    });
    signal(kafka.child.pid, 'SIGCONT');
    signal(kafka.child.pid, 'SIGKILL');
  }
  const figures = chaosFigures({ args, plan, records, changes, sequences, wsIds, kafkaIds, controls, drained, brokerBacklogPeak, rssStart, rssEnd, leftovers: exit.leftovers });
  writeFileSync(join(CACHE_DIR, 'chaos-last.json'), JSON.stringify({ figures, records, changes }, null, 1));
  log(formatChaos(figures));
  process.stdout.write(`CHAOS_JSON ${JSON.stringify(figures)}\n`);
  return figures.targetsMet ? 0 : 1;
}

if (require.main === module) {
  let args: ChaosArgs;
  try {
    args = parseChaosArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  runChaos(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`chaos failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
