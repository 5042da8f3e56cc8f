import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { HttpServer } from '../src/api';
import { EventBus, KafkaSink, WebSocketHub, eventDraft, eventSource } from '../src/events';
import { Metrics } from '../src/observability';
import { onCleanup, signal } from './cleanup';

/**
 * Events benchmark: (1) events/s through the real KafkaSink (write-ahead journal with fsync,
 * gzip, acks=all) into librdkafka's mock cluster (kcat); (2) WebSocket fan-out latency to N
 * subscribers (ws clients in worker threads) from the real hub behind the real HTTP server.
 */
export interface EventsBenchOptions {
  readonly kafkaEvents?: number;
  readonly subscribers?: number;
  readonly fanoutEvents?: number;
  /** Events per second published during the fan-out measurement. */
  readonly fanoutRate?: number;
  readonly log?: (line: string) => void;
}

export interface EventsBenchResult {
  readonly kafka: { readonly events: number; readonly seconds: number; readonly eventsPerSecond: number; readonly deliveryP50Ms: number; readonly deliveryP99Ms: number } | { readonly skipped: string };
  readonly websocket: { readonly subscribers: number; readonly events: number; readonly deliveries: number; readonly expected: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
}

const SOURCE = eventSource('bench');
const CAMERAS = ['cam-0', 'cam-1', 'cam-2', 'cam-3'];
const silent = pino({ level: 'silent' });

function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function draft(i: number, sentAt?: number) {
  const data = { camera: CAMERAS[i % CAMERAS.length] as string, frameSeq: i, frame: { width: 640, height: 360 }, faces: [{ box: { x: 270, y: 64, width: 83, height: 111 }, score: 0.9993 }] };
  return eventDraft(SOURCE, 'vigil.face.detected', Date.now(), sentAt === undefined ? data : { ...data, benchSentAt: sentAt });
}

export function startKcatMock(topic: string): Promise<{ child: ChildProcess; bootstrap: string }> {
  const child = spawn('kcat', ['-X', 'test.mock.num.brokers=1', '-b', 'mock:1', '-C', '-t', topic, '-d', 'mock'], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Killed however the bench ends (error, Ctrl-C), not only in benchKafka's finally.
  const forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
  child.once('close', forget);
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.once('error', (error) => reject(new Error(`kcat not available (apt-get install kcat): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`kcat exited (${code}) before the mock cluster was up: ${stderr.slice(-500).trim()}`)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
      const match = /bootstrap\.servers=([0-9.]+:\d+)/.exec(stderr);
      if (match?.[1]) {
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        resolve({ child, bootstrap: match[1] });
      }
    });
  });
}

async function benchKafka(events: number, log: (line: string) => void): Promise<EventsBenchResult['kafka']> {
  const topic = 'vigil.bench';
  let mock: { child: ChildProcess; bootstrap: string };
  try {
    mock = await startKcatMock(topic);
  } catch (error) {
    return { skipped: (error as Error).message };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-events-bench-'));
  const latencies: number[] = [];
  const sink = new KafkaSink({
    brokers: [mock.bootstrap], topic, clientId: 'vigil-bench', idempotent: false, maxBatchEvents: 2000, lingerMs: 5,
    requestTimeoutMs: 30_000, connectionTimeoutMs: 3000, retries: 5, compression: 'gzip', dataDir,
    journal: { maxBytes: 1024 ** 3, segmentBytes: 16 * 1024 ** 2, fsyncIntervalMs: 100, whenFull: 'rejectNew' },
    logger: silent,
    onDelivered: (acceptedAt) => {
      const now = Date.now();
      for (const at of acceptedAt) latencies.push(now - at);
    },
  });
  const bus = new EventBus();
  bus.addSink(sink);
  try {
    await sink.start();
    for (let i = 0; i < 200; i++) bus.publish(draft(i)); // connect and warm up
    while (sink.queued > 0 || sink.state !== 'ready') await sleep(10);
    latencies.length = 0;
    log(`  kafka: publishing ${events} events`);
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      bus.publish(draft(i));
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve)); // let the producer run, as camera events would
    }
    while (sink.queued > 0) await sleep(2);
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, eventsPerSecond: Math.round(events / seconds), deliveryP50Ms: percentile(latencies, 50), deliveryP99Ms: percentile(latencies, 99) };
  } finally {
    await sink.close(2000);
    mock.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function ask<T>(worker: Worker, message: object, kind: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: { kind: string }): void => {
      if (reply.kind !== kind) return;
      worker.off('message', listener);
      resolve(reply as T);
    };
    worker.on('message', listener);
    worker.postMessage(message);
  });
}

async function benchFanout(subscribers: number, events: number, rate: number, log: (line: string) => void): Promise<EventsBenchResult['websocket']> {
  const bus = new EventBus();
  const hub = new WebSocketHub({ logger: silent, run: bus.run, limits: { maxQueueMessages: 10_000, maxQueueBytes: 64 * 1024 ** 2 } });
  bus.addSink(hub);
  const http = new HttpServer({ host: '127.0.0.1', port: 0, logger: silent, metrics: new Metrics(), hub });
  await hub.start();
  await http.start();
  const url = `ws://127.0.0.1:${http.address.port}/v1/events`;
  const threads = 2;
  const workers: Worker[] = [];
  try {
    for (let t = 0; t < threads; t++) {
      const share = Math.floor(subscribers / threads) + (t < subscribers % threads ? 1 : 0);
      const worker = new Worker(join(__dirname, 'events-bench-clients.js'), { workerData: { url, subscribers: share } });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { kind: string }) => m.kind === 'ready' && resolve());
      });
    }
    log(`  websocket: ${hub.clientCount} subscribers connected; publishing ${events} events at ${rate}/s`);
    const interval = 1000 / rate;
    const started = performance.now();
    for (let i = 0; i < events; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      bus.publish(draft(i, performance.timeOrigin + performance.now()));
    }
    const expected = events * subscribers;
    const deadline = performance.now() + 30_000;
    for (;;) {
      const counts = await Promise.all(workers.map((w) => ask<{ received: number }>(w, { kind: 'count' }, 'count')));
      if (counts.reduce((a, c) => a + c.received, 0) >= expected || performance.now() > deadline) break;
      await sleep(50);
    }
    const all = (await Promise.all(workers.map((w) => ask<{ latencies: number[] }>(w, { kind: 'finish' }, 'latencies')))).flatMap((r) => r.latencies);
    return { subscribers, events, deliveries: all.length, expected, p50Ms: percentile(all, 50), p99Ms: percentile(all, 99), maxMs: percentile(all, 100) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    hub.destroy();
    await http.close();
  }
}

export async function runEventsBench(options: EventsBenchOptions = {}): Promise<EventsBenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const kafka = await benchKafka(options.kafkaEvents ?? 50_000, log);
  const websocket = await benchFanout(options.subscribers ?? 1000, options.fanoutEvents ?? 200, options.fanoutRate ?? 20, log);
  return { kafka, websocket };
}

export function formatEventsBench(result: EventsBenchResult): string {
  const k = result.kafka;
  const w = result.websocket;
  const kafkaLine = 'skipped' in k
    ? `Kafka: skipped (${k.skipped})`
    : `Kafka (mock cluster, journal + gzip + acks=all): ${k.eventsPerSecond} events/s (${k.events} events in ${k.seconds.toFixed(2)} s), accept-to-ack p50 ${k.deliveryP50Ms.toFixed(0)} ms, p99 ${k.deliveryP99Ms.toFixed(0)} ms`;
  return [
    kafkaLine,
    `WebSocket fan-out to ${w.subscribers} subscribers: p50 ${w.p50Ms.toFixed(2)} ms, p99 ${w.p99Ms.toFixed(2)} ms, max ${w.maxMs.toFixed(2)} ms (${w.deliveries}/${w.expected} deliveries)`,
  ].join('\n');
}

if (require.main === module) {
  runEventsBench()
    .then((result) => {
      process.stdout.write(`${formatEventsBench(result)}\n${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`events bench failed: ${String(error)}\n`);
      process.exit(1);
    });
}
