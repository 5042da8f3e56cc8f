import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { parseConfig } from '../src/config';
import { EventBus, eventDraft, eventSource } from '../src/events';
import { MqttSink } from '../src/mqtt';
import { MqttConnection } from '../src/mqtt/mqtt-client';
import { WebhookDispatcher } from '../src/webhooks';
import { freePort } from '../test/helpers/ports';
import { onCleanup, signal } from './cleanup';

/**
 * Delivery benchmark for the webhook and MQTT sinks: events/s and accept-to-acknowledged latency
 * (p50/p99) through the real sinks (journal with fsync every 100 ms, signing, QoS 1), next to the
 * bare limit measured in the same run on the same receiver: plain keep-alive HTTP POSTs with the
 * same concurrency, and plain QoS 1 publishes with the same window, no journal. Loopback only:
 * the webhook receiver is a node HTTP server in a worker thread, the broker Debian's mosquitto.
 */
export interface DeliveryBenchOptions {
  readonly events?: number;
  /** Events per second for the paced latency run. */
  readonly rate?: number;
  readonly pacedSeconds?: number;
  readonly log?: (line: string) => void;
}

interface Figures {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface DeliveryBenchResult {
  readonly webhook: { readonly bare: Figures; readonly burst: Figures; readonly paced: Figures };
  /** mosquitto with `set_tcp_nodelay true`, and (mqttDefaultBroker) with its default, Nagle on. */
  readonly mqtt: MqttFigures;
  readonly mqttDefaultBroker: MqttFigures;
}

type MqttFigures = { readonly bare: Figures; readonly burst: Figures; readonly paced: Figures } | { readonly skipped: string };

const SOURCE = eventSource('bench');
const CAMERAS = ['cam-0', 'cam-1', 'cam-2', 'cam-3'];
const silent = pino({ level: 'silent' });
const SECRET = 'whsec_YmVuY2htYXJrLXNlY3JldC1iZW5jaG1hcmstc2VjcmV0';

function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function figures(events: number, ms: number, latencies: readonly number[]): Figures {
  return { events, seconds: ms / 1000, eventsPerSecond: Math.round(events / (ms / 1000)), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

function draft(i: number) {
  const data = { camera: CAMERAS[i % CAMERAS.length] as string, frameSeq: i, frame: { width: 640, height: 360 }, faces: [{ box: { x: 270, y: 64, width: 83, height: 111 }, score: 0.9993 }] };
  return eventDraft(SOURCE, 'vigil.face.detected', Date.now(), data);
}

/** A webhook receiver in a worker thread (so it does not share the sender's event loop): answers 204. */
async function startReceiver(): Promise<{ port: number; stop: () => Promise<number> }> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const http = require('node:http');
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(204); res.end(); }); });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
    parentPort.on('message', () => server.close(() => process.exit(0)));`;
  const worker = new Worker(code, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { port, stop: () => (worker.postMessage('stop'), worker.terminate()) };
}

/** N POSTs of a typical event body, `concurrency` at a time, on a keep-alive agent: the HTTP floor. */
async function bareHttp(port: number, events: number, concurrency: number): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(JSON.stringify({ ...draft(0), sequence: 1, vigilrun: 'x' }));
  const latencies: number[] = [];
  let next = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/bare', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - started);
          resolve();
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < events) await one();
  }));
  const ms = performance.now() - started;
  agent.destroy();
  return figures(events, ms, latencies);
}

/** Publishes `events` as fast as the bus takes them (yielding every 1000 like cameras would), or paced at `rate`. */
async function drive(bus: EventBus, events: number, rate: number | null): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    if (rate !== null) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
    } else if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    bus.publish(draft(i));
  }
}

async function benchWebhook(events: number, rate: number, pacedSeconds: number, log: (line: string) => void): Promise<DeliveryBenchResult['webhook']> {
  const receiver = await startReceiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-delivery-bench-'));
  try {
    const concurrency = 4;
    await bareHttp(receiver.port, 500, concurrency); // warm up
    log(`  webhook bare: ${events} POSTs, ${concurrency} at a time`);
    const bare = await bareHttp(receiver.port, events, concurrency);
    const run = async (count: number, paced: number | null): Promise<Figures> => {
      const latencies: number[] = [];
      const dispatcher = new WebhookDispatcher({ dataDir, logger: silent, hooks: { onDelivered: (_id, at) => latencies.push(Date.now() - at) } });
      const spec = parseConfig({ webhooks: [{ id: `bench-${paced ?? 'burst'}`, url: `http://127.0.0.1:${receiver.port}/hook`, secret: SECRET, concurrency }] }, 'bench').webhooks[0];
      if (!spec) throw new Error('no spec');
      await dispatcher.add({ ...spec, origin: 'config' });
      const bus = new EventBus();
      bus.addSink(dispatcher);
      const started = performance.now();
      await drive(bus, count, paced);
      while ((dispatcher.views()[0]?.pending ?? 0) > 0) await sleep(2);
      const ms = performance.now() - started;
      await dispatcher.close(2000);
      return figures(count, ms, latencies);
    };
    log(`  webhook sink: ${events} events as fast as they come`);
    const burst = await run(events, null);
    log(`  webhook sink: ${rate}/s for ${pacedSeconds} s`);
    const paced = await run(rate * pacedSeconds, rate);
    return { bare, burst, paced };
  } finally {
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startMosquitto(dir: string, nodelay: boolean): Promise<{ child: ChildProcess; url: string }> {
  const binary = spawnSync('sh', ['-c', 'command -v mosquitto']).status === 0 ? 'mosquitto' : '/usr/sbin/mosquitto';
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\n${nodelay ? 'set_tcp_nodelay true\n' : ''}user ${userInfo().username}\nlog_dest stderr\n`);
  const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  const forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
  child.once('close', forget);
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.once('error', (error) => reject(new Error(`mosquitto not available (apt-get install mosquitto): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`mosquitto exited (${String(code)}): ${log.slice(-300)}`)));
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/running/.test(log)) {
        child.removeAllListeners('exit');
        child.stderr?.resume();
        resolve();
      }
    });
  });
  return { child, url: `mqtt://127.0.0.1:${port}` };
}

/** QoS 1 publishes of a typical event, `window` awaiting PUBACK at a time, no journal: the broker floor. */
async function bareMqtt(url: string, events: number, window: number): Promise<Figures> {
  const connection = MqttConnection.open({ url, clientId: 'vigil-bench-bare', keepaliveS: 30, connectTimeoutMs: 3000, will: { topic: 'bench/will', payload: 'x', retain: false } });
  await new Promise<void>((resolve, reject) => {
    connection.once('connect', resolve);
    connection.once('close', (reason) => reject(new Error(reason)));
  });
  const payload = JSON.stringify({ ...draft(0), sequence: 1, vigilrun: 'x' });
  const latencies: number[] = [];
  const started = performance.now();
  for (let sent = 0; sent < events; sent += window) {
    const batch = Math.min(window, events - sent);
    const at = performance.now();
    await Promise.all(Array.from({ length: batch }, () => connection.publish('vigil/bench/bare', payload, { retain: false })));
    const ms = performance.now() - at;
    for (let i = 0; i < batch; i++) latencies.push(ms);
  }
  const ms = performance.now() - started;
  await connection.end(1000);
  return figures(events, ms, latencies);
}

async function benchMqtt(events: number, rate: number, pacedSeconds: number, nodelay: boolean, log: (line: string) => void): Promise<MqttFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-delivery-bench-mqtt-'));
  let broker: { child: ChildProcess; url: string };
  try {
    broker = await startMosquitto(dir, nodelay);
    log(`  mqtt: mosquitto with set_tcp_nodelay ${nodelay}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: (error as Error).message };
  }
  try {
    const config = parseConfig({ mqtt: { url: broker.url } }, 'bench').mqtt;
    if (!config) throw new Error('no mqtt config');
    await bareMqtt(broker.url, 1000, config.maxInFlight); // warm up
    log(`  mqtt bare: ${events} QoS 1 publishes, ${config.maxInFlight} awaiting PUBACK at a time`);
    const bare = await bareMqtt(broker.url, events, config.maxInFlight);
    const run = async (count: number, paced: number | null): Promise<Figures> => {
      const latencies: number[] = [];
      const sink = new MqttSink({
        config, instanceId: 'bench', dataDir: join(dir, `data-${paced ?? 'burst'}`), version: 'bench', logger: silent, cameras: () => [],
        onDelivered: (acceptedAt) => {
          const now = Date.now();
          for (const at of acceptedAt) latencies.push(now - at);
        },
      });
      const bus = new EventBus();
      bus.addSink(sink);
      await sink.start();
      while (sink.state !== 'connected') await sleep(5);
      const started = performance.now();
      await drive(bus, count, paced);
      while (sink.queued > 0) await sleep(2);
      const ms = performance.now() - started;
      await sink.close(2000);
      return figures(count, ms, latencies);
    };
    log(`  mqtt sink: ${events} events as fast as they come`);
    const burst = await run(events, null);
    log(`  mqtt sink: ${rate}/s for ${pacedSeconds} s`);
    const paced = await run(rate * pacedSeconds, rate);
    return { bare, burst, paced };
  } finally {
    signal(broker.child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDeliveryBench(options: DeliveryBenchOptions = {}): Promise<DeliveryBenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const events = options.events ?? 20_000;
  const rate = options.rate ?? 200;
  const pacedSeconds = options.pacedSeconds ?? 5;
  const webhook = await benchWebhook(events, rate, pacedSeconds, log);
  const mqtt = await benchMqtt(events, rate, pacedSeconds, true, log);
  const mqttDefaultBroker = await benchMqtt(events, rate, pacedSeconds, false, log);
  return { webhook, mqtt, mqttDefaultBroker };
}

const line = (f: Figures): string => `${f.eventsPerSecond} events/s (${f.events} in ${f.seconds.toFixed(2)} s), p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms`;

export function formatDeliveryBench(result: DeliveryBenchResult): string {
  const w = result.webhook;
  const lines = [
    'Webhook (loopback receiver, 4 cameras, concurrency 4, structured mode, signed, journal fsync 100 ms):',
    `  bare HTTP POSTs (same receiver, keep-alive, 4 at a time): ${line(w.bare)} (per request)`,
    `  sink, burst: ${line(w.burst)} (accepted to 2xx)`,
    `  sink, paced: ${line(w.paced)} (accepted to 2xx)`,
  ];
  for (const [m, broker] of [[result.mqtt, 'set_tcp_nodelay true'], [result.mqttDefaultBroker, 'default settings: Nagle on']] as const) {
    if ('skipped' in m) {
      lines.push(`MQTT: skipped (${m.skipped})`);
      continue;
    }
    lines.push(
      `MQTT (local mosquitto, ${broker}; QoS 1, window 100, journal fsync 100 ms):`,
      `  bare QoS 1 publishes (window 100, no journal): ${line(m.bare)} (per window)`,
      `  sink, burst: ${line(m.burst)} (accepted to PUBACK)`,
      `  sink, paced: ${line(m.paced)} (accepted to PUBACK)`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const arg = (name: string): number | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const events = arg('events');
  const rate = arg('rate');
  runDeliveryBench({ ...(events !== undefined && { events }), ...(rate !== undefined && { rate }) })
    .then((result) => {
      process.stdout.write(`${formatDeliveryBench(result)}\nDELIVERY_JSON ${JSON.stringify(result)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`delivery bench failed: ${String(error)}\n`);
      process.exit(1);
    });
}
