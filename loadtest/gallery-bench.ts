import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { measureCrossover, measureSize, type GallerySizeFigures, type MeasureOptions } from './gallery-measure';
import { MachineLoad } from './proc-stats';

/**
 * Gallery search benchmark: the real Gallery (SQLite + search worker) on generated faces at each
 * size, next to the exact scan measured in the same run; and where `auto` should switch from the
 * exact scan to the ANN index. See loadtest/README.md ("Gallery search").
 */
const USAGE = `Usage: npm run bench:gallery -- [--sizes 10000,100000,1000000] [--queries 500] [--seconds 10]
        [--concurrency 8] [--build-threads N] [--expansion 128] [--candidates 32] [--quantization f16|f32|i8]
        [--crossover 250,500,1000,2000,4000,8000] [--no-sizes] [--keep DIR]`;

interface Args {
  sizes: number[];
  crossover: number[];
  options: Omit<MeasureOptions, 'log'>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    sizes: [10_000, 100_000, 1_000_000],
    crossover: [250, 500, 1000, 2000, 4000, 8000],
    options: { queries: 500, loadSeconds: 10, concurrency: 8, search: { buildThreads: availableParallelism() } },
  };
  const list = (v: string | undefined): number[] => (v ?? '').split(',').filter(Boolean).map((x) => Number(x.replace(/_/g, '')));
  const search = args.options.search as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const take = (): string => {
      i += 1;
      if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return value;
    };
    switch (flag) {
      case '--sizes': args.sizes = list(take()); break;
      case '--no-sizes': args.sizes = []; break;
      case '--crossover': args.crossover = list(take()); break;
      case '--queries': args.options = { ...args.options, queries: Number(take()) }; break;
      case '--seconds': args.options = { ...args.options, loadSeconds: Number(take()) }; break;
      case '--concurrency': args.options = { ...args.options, concurrency: Number(take()) }; break;
      case '--build-threads': search.buildThreads = Number(take()); break;
      case '--expansion': search.expansionSearch = Number(take()); break;
      case '--candidates': search.candidates = Number(take()); break;
      case '--quantization': search.quantization = take(); break;
      case '--keep': args.options = { ...args.options, keepDir: take() }; break;
      default: throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  const bad = [...args.sizes, ...args.crossover].find((n) => !Number.isInteger(n) || n < 1);
  if (bad !== undefined) throw new Error(`sizes must be positive integers\n${USAGE}`);
  return args;
}

const f = (v: number | null, digits = 2): string => (v === null || Number.isNaN(v) ? '-' : v.toFixed(digits));
const s = (v: number | null): string => (v === null ? '-' : (v / 1000).toFixed(1));

function table(rows: readonly GallerySizeFigures[]): string {
  const cols: [string, (r: GallerySizeFigures) => string][] = [
    ['identities', (r) => String(r.identities)],
    ['faces', (r) => String(r.faces)],
    ['search p50 / p99 ms', (r) => `${f(r.search.p50Ms)} / ${f(r.search.p99Ms)}`],
    ['same queries again p50 / p99', (r) => `${f(r.searchAgain.p50Ms)} / ${f(r.searchAgain.p99Ms)}`],
    ['exact scan p50 / p99 ms', (r) => `${f(r.exactScan.p50Ms)} / ${f(r.exactScan.p99Ms)}`],
    ['previous topK p50 ms', (r) => f(r.previousTopK?.p50Ms ?? null)],
    ['recall@1 enrolled / strangers', (r) => `${f(r.recall.enrolled, 3)} / ${f(r.recall.strangers, 3)}`],
    ['decision agrees', (r) => f(r.recall.decisionAgreement, 3)],
    ['similarity off p50 / p99 / max', (r) => `${r.similarityError.p50.toExponential(1)} / ${r.similarityError.p99.toExponential(1)} / ${r.similarityError.max.toExponential(1)}`],
    ['memory MiB', (r) => f(r.memoryMiB, 0)],
    ['index file MiB', (r) => f(r.indexFileMiB, 0)],
    ['build s (lag p99 / max ms)', (r) => `${r.buildOrigin === 'loaded' ? 'kept ' : ''}${s(r.buildMs)} (${f(r.buildLagP99Ms, 0)} / ${f(r.buildLagMaxMs, 0)})`],
    ['load s (lag p99 / max ms)', (r) => `${s(r.loadMs)} (${f(r.loadLagP99Ms, 0)} / ${f(r.loadLagMaxMs, 0)})`],
    ['under load /s, p99 ms', (r) => `${f(r.load.searchesPerSecond, 0)}, ${f(r.load.p99Ms)}`],
    ['event-loop lag p99 / max ms', (r) => `${f(r.load.lagP99Ms)} / ${f(r.load.lagMaxMs)}`],
  ];
  return cols.map(([name, cell]) => `${name.padEnd(30)} ${rows.map((r) => cell(r).padStart(16)).join(' ')}`).join('\n');
}

/** The event loop's delay with nothing to do, for `seconds`: the floor every lag figure stands on (a busy machine raises it). */
async function idleLag(seconds: number): Promise<{ p99Ms: number; maxMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  await sleep(seconds * 1000);
  lag.disable();
  return { p99Ms: lag.percentile(99) / 1e6, maxMs: lag.max / 1e6 };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const options: MeasureOptions = { ...args.options, log };
  const machine = new MachineLoad();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  log(`Gallery search benchmark: ${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at start; search ${JSON.stringify(args.options.search)}`);

  const crossover: Awaited<ReturnType<typeof measureCrossover>>[] = [];
  for (const n of args.crossover) {
    crossover.push(await measureCrossover(n, options));
    const c = crossover.at(-1) as (typeof crossover)[number];
    log(`crossover ${n} identities (${c.faces} faces): exact on this thread p50 ${f(c.inline.p50Ms, 3)} ms p99 ${f(c.inline.p99Ms, 3)} ms | worker ANN p50 ${f(c.ann.p50Ms, 3)} ms p99 ${f(c.ann.p99Ms, 3)} ms`);
  }
  const sizes: GallerySizeFigures[] = [];
  const idle: { p99Ms: number; maxMs: number }[] = [];
  for (const n of args.sizes) {
    idle.push(await idleLag(5));
    log(`Size ${n} (idle event-loop delay first, 5 s: p99 ${f((idle.at(-1) as (typeof idle)[number]).p99Ms)} ms, max ${f((idle.at(-1) as (typeof idle)[number]).maxMs)} ms):`);
    sizes.push(await measureSize(n, options));
  }

  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ownPercent = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
  const otherPercent = Math.max(0, machine.cpuPercent() - ownPercent);
  log('');
  if (sizes.length > 0) log(table(sizes));
  if (idle.length > 0) log(`${'idle event-loop lag p99 / max ms'.padEnd(30)} ${idle.map((l) => `${f(l.p99Ms)} / ${f(l.maxMs)}`.padStart(16)).join(' ')}`);
  log(`\nCPU: this bench ${ownPercent.toFixed(0)} %, others ${otherPercent.toFixed(0)} % of ${availableParallelism() * 100} % over ${seconds.toFixed(0)} s; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  if (otherPercent > 15) log('WARNING: something else used the CPU meanwhile: latencies are higher and throughput lower than on an idle machine.');
  log(`BENCH_JSON ${JSON.stringify({ cores: availableParallelism(), search: args.options.search, crossover, sizes, idleLag: idle, cpu: { ownPercent, otherPercent, seconds } })}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
