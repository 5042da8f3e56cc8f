import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from '../src/app';
import { MODELS_DIR } from '../src/config';
import { readManifest } from '../src/inference';
import { createLogger } from '../src/observability';
import { testConfig } from '../test/helpers/api-app';
import { onCleanup } from './cleanup';
import { fillHistory } from './history-fill';
import { latency, measurePages, measureSearch, type Latency } from './history-measure';
import { MachineLoad } from './proc-stats';

/**
 * History benchmark: history.db filled with N generated appearances (and other events) through
 * the history's write path, then the real gateway (App, in this process, no camera) serving it:
 * the face search index built from the table, GET /v1/events pages and POST /v1/search/faces over
 * loopback HTTP, each next to its bare limit measured in the same run (the same page read straight
 * from SQLite; an exact SIMD scan of every stored vector; an HTTP round trip to /healthz). See
 * loadtest/README.md ("History and search").
 */
const USAGE = `Usage: npm run bench:history -- [--appearances 1000000] [--other-share 0.25] [--planted 100] [--views 20]
        [--span-days 29] [--pages 200] [--k 20] [--build-threads N] [--no-restart] [--keep]`;

interface Args {
  appearances: number; otherShare: number; planted: number; views: number; spanDays: number; pages: number; k: number; buildThreads: number; restart: boolean; keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { appearances: 1_000_000, otherShare: 0.25, planted: 100, views: 20, spanDays: 29, pages: 200, k: 20, buildThreads: availableParallelism(), restart: true, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const num = (): number => {
      const value = Number((argv[++i] ?? '').replace(/_/g, ''));
      if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a number\n${USAGE}`);
      return value;
    };
    switch (flag) {
      case '--appearances': args.appearances = num(); break;
      case '--other-share': args.otherShare = num(); break;
      case '--planted': args.planted = num(); break;
      case '--views': args.views = num(); break;
      case '--span-days': args.spanDays = num(); break;
      case '--pages': args.pages = num(); break;
      case '--k': args.k = num(); break;
      case '--build-threads': args.buildThreads = num(); break;
      case '--no-restart': args.restart = false; break;
      case '--keep': args.keep = true; break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return args;
}

const f = (v: number, digits = 2): string => (Number.isNaN(v) ? '-' : v.toFixed(digits));
const lat = (l: Latency): string => `${f(l.p50Ms)} / ${f(l.p99Ms)}`;
const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(0);
const bytesIn = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isFile() ? statSync(join(dir, e.name)).size : 0), 0);

async function startApp(dir: string, args: Args): Promise<{ app: App; readyMs: number }> {
  const env = { VIGIL_CONFIG: join(dir, 'streams.yaml'), VIGIL_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  const document = { cameras: [], inference: { workers: 1 }, api: { rateLimitPerMinute: 1_000_000, rateLimitBurst: 10_000 }, history: { maxBytes: 1024 ** 4, search: { buildThreads: args.buildThreads } } };
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const app = new App(testConfig(document, env), createLogger('warn', quiet));
  const t0 = performance.now();
  await app.start();
  while (app.history?.searchIndex?.state !== 'ready') {
    if (app.history?.searchIndex?.state === 'failed') throw new Error('the face search index failed to build');
    await sleep(50);
  }
  return { app, readyMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const machine = new MachineLoad();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-history-bench-'));
  if (!args.keep) onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  log(`History benchmark: ${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at start; ${JSON.stringify(args)}; data in ${dir}`);

  const model = readManifest(MODELS_DIR).models.embedding?.sha256 as string;
  const filled = fillHistory(join(dir, 'data'), { appearances: args.appearances, otherShare: args.otherShare, planted: args.planted, plantedViews: args.views, spanDays: args.spanDays, model, log });
  const dbBytes = statSync(join(dir, 'data', 'history.db')).size;
  log(`fill: ${filled.events} events (${filled.appearances} appearances) in ${(filled.fillMs / 1000).toFixed(1)} s with their generation; the write path (HistoryStore.insert, 5,000 a transaction) took ${(filled.writeMs / 1000).toFixed(1)} s: ${(filled.events / (filled.writeMs / 1000)).toFixed(0)} events/s; history.db ${mib(dbBytes)} MiB`);

  let { app, readyMs } = await startApp(dir, args);
  const buildMs = readyMs;
  const base = () => `http://127.0.0.1:${app.http.address.port}`;
  log(`gateway ready with the face search index built from the table: ${(buildMs / 1000).toFixed(1)} s (${args.buildThreads} build threads)`);

  const floor: number[] = [];
  for (let i = 0; i < args.pages; i++) {
    const t = performance.now();
    await (await fetch(`${base()}/healthz`)).text();
    floor.push(performance.now() - t);
  }
  const pages = await measurePages(base(), join(dir, 'data'), filled, args.pages);
  for (const p of pages) log(`GET /v1/events ${p.name.padEnd(24)} p50/p99 ${lat(p.http).padStart(15)} ms over HTTP | SQLite alone ${lat(p.sqlite).padStart(15)} ms | ${p.rows} events a page`);
  const search = await measureSearch(base(), filled, args.k, 0.35);
  log(`search (k ${args.k}, ${search.searched} appearances): HTTP p50/p99 ${lat(search.http)} ms, in the worker ${lat(search.worker)} ms | exact SIMD scan (bare limit, 1 thread) ${lat(search.exactScan)} ms | recall@${args.k} vs exact ${f(search.recall, 3)}, planted found ${f(search.plantedFound, 3)}`);

  let restart: { closeMs: number; readyMs: number } | null = null;
  if (args.restart) {
    const c0 = performance.now();
    await app.close();
    const closeMs = performance.now() - c0;
    ({ app, readyMs } = await startApp(dir, args));
    restart = { closeMs, readyMs };
    log(`restart: close (saves the index file) ${(closeMs / 1000).toFixed(1)} s; start to search ready (loads it) ${(readyMs / 1000).toFixed(1)} s`);
  }
  const indexBytes = bytesIn(join(dir, 'data', 'history-index'));
  await app.close();

  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ownPercent = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
  const otherPercent = Math.max(0, machine.cpuPercent() - ownPercent);
  const http = latency(floor);
  log(`HTTP floor (GET /healthz) p50/p99 ${lat(http)} ms; history.db ${mib(statSync(join(dir, 'data', 'history.db')).size)} MiB, index file ${mib(indexBytes)} MiB`);
  log(`CPU: this bench ${ownPercent.toFixed(0)} %, others ${otherPercent.toFixed(0)} % of ${availableParallelism() * 100} % over ${seconds.toFixed(0)} s; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  if (otherPercent > 15) log('WARNING: something else used the CPU meanwhile: latencies are higher than on an idle machine.');
  log(`BENCH_JSON ${JSON.stringify({ cores: availableParallelism(), args, fill: { events: filled.events, appearances: filled.appearances, ms: filled.fillMs, writeMs: filled.writeMs, dbBytes }, buildMs, pages, search, restart, httpFloor: http, indexBytes, cpu: { ownPercent, otherPercent, seconds } })}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
