import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Index, MetricKind, ScalarKind, exactSearch } from 'usearch';
import { GalleryData } from '../test/helpers/gallery-data';
import { MachineLoad } from './proc-stats';

/**
 * The three maintained ANN libraries the gallery could use, on the same generated faces with the
 * same HNSW parameters, one thread each: usearch (the product's choice), hnswlib-node, and faiss.
 * Figures: build time, index size, search latency, recall@1 and candidate recall against the exact
 * answer, next to the exact scan (the bare limit) measured in the same run. See loadtest/README.md.
 *
 * hnswlib-node is not a dependency of the product: it is installed into loadtest/.cache on first
 * use. faiss-node cannot be installed offline (its install fetches binaries or sources from
 * GitHub), so faiss is measured through Debian's python3-faiss (installed with apt-get when run as
 * root), fed the same vectors through files.
 */
const USAGE = 'Usage: npm run bench:ann-libraries -- [--faces 100000] [--queries 1000] [--m 16] [--ef-construction 128] [--ef-search 64] [--candidates 32]';
const HNSWLIB = 'hnswlib-node@3.0.0';
const CACHE = join(__dirname, '..', '..', 'loadtest', '.cache', 'ann-libraries');
const PYTHON = '/usr/bin/python3';

interface Args { faces: number; queries: number; m: number; efConstruction: number; efSearch: number; candidates: number }

interface Result {
  readonly library: string;
  readonly kind: string;
  readonly buildSeconds: number;
  readonly indexBytes: number;
  readonly searchMs: number[];
  /** Per query, the found face numbers, nearest first (`candidates` of them). */
  readonly ids: number[][];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { faces: 100_000, queries: 1000, m: 16, efConstruction: 128, efSearch: 64, candidates: 32 };
  const keys: Record<string, keyof Args> = { '--faces': 'faces', '--queries': 'queries', '--m': 'm', '--ef-construction': 'efConstruction', '--ef-search': 'efSearch', '--candidates': 'candidates' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i] ?? ''];
    const value = Number((argv[i + 1] ?? '').replace(/_/g, ''));
    if (!key || !Number.isInteger(value) || value < 1) throw new Error(`bad option ${argv[i]} ${argv[i + 1] ?? ''}\n${USAGE}`);
    args[key] = value;
  }
  return args;
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);

/** `faces` faces of generated identities (1-3 each) and `queries` new views of enrolled identities, back to back. */
function generate(args: Args): { base: Float32Array; queries: Float32Array; dims: number } {
  const data = new GalleryData({ identities: args.faces, seed: 7 });
  const dims = data.dims;
  const base = new Float32Array(args.faces * dims);
  let n = 0;
  let enrolled = 0;
  for (; n < args.faces; enrolled++) for (const face of data.faces(enrolled)) if (n < args.faces) base.set(face, dims * n++);
  const queries = new Float32Array(args.queries * dims);
  for (let q = 0; q < args.queries; q++) queries.set(data.viewOf((q * 7919) % enrolled, q), q * dims);
  return { base, queries, dims };
}

function row(matrix: Float32Array, dims: number, i: number): Float32Array {
  return matrix.subarray(i * dims, (i + 1) * dims);
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

function usearchLeg(kind: 'f32' | 'i8', base: Float32Array, queries: Float32Array, dims: number, args: Args): Result {
  const index = new Index({ dimensions: dims, metric: MetricKind.IP, quantization: kind === 'i8' ? ScalarKind.I8 : ScalarKind.F32, connectivity: args.m, expansion_add: args.efConstruction, expansion_search: args.efSearch, multi: false });
  const count = base.length / dims;
  const [, buildMs] = timed(() => index.add(BigUint64Array.from({ length: count }, (_, i) => BigInt(i)), base, 1));
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ann-'));
  index.save(join(dir, 'index.usearch'));
  const indexBytes = statSync(join(dir, 'index.usearch')).size;
  rmSync(dir, { recursive: true, force: true });
  const searchMs: number[] = [];
  const ids: number[][] = [];
  for (let q = 0; q < queries.length / dims; q++) {
    const [matches, ms] = timed(() => index.search(row(queries, dims, q), args.candidates, 1));
    searchMs.push(ms);
    ids.push(Array.from(matches.keys, Number));
  }
  return { library: 'usearch 2.25.3', kind: `hnsw-${kind}`, buildSeconds: buildMs / 1000, indexBytes, searchMs, ids };
}

interface HnswIndex {
  initIndex(maxElements: number, m: number, efConstruction: number, seed: number): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(point: number[], k: number): { neighbors: number[] };
  writeIndexSync(path: string): void;
}

function loadHnswlib(): { HierarchicalNSW: new (space: string, dims: number) => HnswIndex } | null {
  const entry = join(CACHE, 'node_modules', 'hnswlib-node');
  if (!existsSync(join(entry, 'build', 'Release', 'addon.node'))) {
    log(`installing ${HNSWLIB} into ${CACHE} (compiled with node-gyp; only this benchmark uses it)`);
    mkdirSync(CACHE, { recursive: true });
    const install = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE, HNSWLIB], { stdio: 'inherit' });
    if (install.status !== 0) return null;
  }
  return createRequire(join(CACHE, 'package.json'))('hnswlib-node') as ReturnType<typeof loadHnswlib>;
}

function hnswlibLeg(base: Float32Array, queries: Float32Array, dims: number, args: Args): Result | string {
  const lib = loadHnswlib();
  if (!lib) return `${HNSWLIB} could not be installed`;
  const index = new lib.HierarchicalNSW('ip', dims);
  const count = base.length / dims;
  index.initIndex(count, args.m, args.efConstruction, 100);
  // Its API takes plain arrays: the conversion is timed apart and left out of the build time.
  const points = Array.from({ length: count }, (_, i) => Array.from(row(base, dims, i)));
  const [, buildMs] = timed(() => points.forEach((p, i) => index.addPoint(p, i)));
  index.setEf(args.efSearch);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ann-'));
  index.writeIndexSync(join(dir, 'index.hnswlib'));
  const indexBytes = statSync(join(dir, 'index.hnswlib')).size;
  rmSync(dir, { recursive: true, force: true });
  const searchMs: number[] = [];
  const ids: number[][] = [];
  for (let q = 0; q < queries.length / dims; q++) {
    const point = Array.from(row(queries, dims, q));
    const [found, ms] = timed(() => index.searchKnn(point, args.candidates));
    searchMs.push(ms);
    ids.push(found.neighbors);
  }
  return { library: HNSWLIB, kind: 'hnsw-f32', buildSeconds: buildMs / 1000, indexBytes, searchMs, ids };
}

function ensureFaiss(): string | null {
  const probe = (): boolean => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import faiss, numpy']).status === 0;
  if (probe()) return null;
  if (process.getuid?.() !== 0) return 'python3-faiss is not installed (apt-get install python3-faiss python3-numpy)';
  log('installing python3-faiss with apt-get');
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-faiss', 'python3-numpy'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    return 'apt-get could not install python3-faiss';
  }
  return probe() ? null : 'python3-faiss installed but does not import';
}

function faissLegs(base: Float32Array, queries: Float32Array, dims: number, args: Args): Result[] | string {
  const problem = ensureFaiss();
  if (problem) return problem;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ann-faiss-'));
  try {
    writeFileSync(join(dir, 'base.f32'), new Uint8Array(base.buffer, base.byteOffset, base.byteLength));
    writeFileSync(join(dir, 'queries.f32'), new Uint8Array(queries.buffer, queries.byteOffset, queries.byteLength));
    const script = join(__dirname, '..', '..', 'loadtest', 'ann-libraries-faiss.py');
    const options = JSON.stringify({ dir, dims, m: args.m, efConstruction: args.efConstruction, efSearch: args.efSearch, k: args.candidates });
    const out = execFileSync(PYTHON, [script, options], { maxBuffer: 1 << 30, env: { ...process.env, OMP_NUM_THREADS: '1' } }).toString();
    return out.trim().split('\n').map((line) => JSON.parse(line) as Result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const machine = new MachineLoad();
  log(`ANN libraries: ${args.faces} faces x 512, ${args.queries} queries, HNSW M=${args.m} efConstruction=${args.efConstruction} efSearch=${args.efSearch}, ${args.candidates} candidates, one thread each; ${availableParallelism()} cores, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  const { base, queries, dims } = generate(args);
  const count = base.length / dims;
  // Ground truth: usearch's SIMD brute force over every face (one thread); the query is copied, as its
  // exactSearch (2.25.3) ignores a typed array's byteOffset.
  const exactMs: number[] = [];
  const truth: number[] = [];
  for (let q = 0; q < args.queries; q++) {
    const [matches, ms] = timed(() => exactSearch(base, row(queries, dims, q).slice(), dims, 1, MetricKind.IP, 1) as { keys: BigUint64Array });
    exactMs.push(ms);
    truth.push(Number(matches.keys[0]));
  }
  // The brute force itself checked against a plain scan, on a few queries.
  for (let q = 0; q < Math.min(20, args.queries); q++) {
    const query = row(queries, dims, q);
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < count; i++) {
      const face = row(base, dims, i);
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (face[d] as number) * (query[d] as number);
      if (dot > bestScore) [best, bestScore] = [i, dot];
    }
    if (best !== truth[q]) throw new Error(`exact search disagrees with the plain scan on query ${q}: ${truth[q]} vs ${best}`);
  }
  log(`exact scan (bare limit): p50 ${quantile(exactMs, 0.5).toFixed(2)} ms, p99 ${quantile(exactMs, 0.99).toFixed(2)} ms per query`);

  const results: Result[] = [];
  const skipped: string[] = [];
  const run = (name: string, leg: () => Result | Result[] | string): void => {
    log(`measuring ${name}…`);
    const out = leg();
    if (typeof out === 'string') skipped.push(`${name}: ${out}`);
    else results.push(...(Array.isArray(out) ? out : [out]));
  };
  run('usearch i8', () => usearchLeg('i8', base, queries, dims, args));
  run('usearch f32', () => usearchLeg('f32', base, queries, dims, args));
  run('hnswlib-node', () => hnswlibLeg(base, queries, dims, args));
  run('faiss', () => faissLegs(base, queries, dims, args));

  const lines = ['| library | index | build (1 thread) | index size | search p50 / p99 | recall@1 | exact best among candidates |', '|---|---|---|---|---|---|---|'];
  const figures = results.map((r) => {
    const top1 = r.ids.filter((ids, q) => ids[0] === truth[q]).length / args.queries;
    const inCandidates = r.ids.filter((ids, q) => ids.includes(truth[q] as number)).length / args.queries;
    lines.push(`| ${r.library} | ${r.kind} | ${r.buildSeconds.toFixed(1)} s | ${(r.indexBytes / 2 ** 20).toFixed(0)} MiB | ${quantile(r.searchMs, 0.5).toFixed(3)} / ${quantile(r.searchMs, 0.99).toFixed(3)} ms | ${top1.toFixed(3)} | ${inCandidates.toFixed(3)} |`);
    return { library: r.library, kind: r.kind, buildSeconds: r.buildSeconds, indexBytes: r.indexBytes, p50: quantile(r.searchMs, 0.5), p99: quantile(r.searchMs, 0.99), recall1: top1, candidateRecall: inCandidates };
  });
  lines.push(`| exact scan (bare limit) | usearch exactSearch | - | ${((count * dims * 4) / 2 ** 20).toFixed(0)} MiB of vectors | ${quantile(exactMs, 0.5).toFixed(2)} / ${quantile(exactMs, 0.99).toFixed(2)} ms | 1 | 1 |`);
  log(lines.join('\n'));
  for (const line of skipped) log(`not measured: ${line}`);
  log(`machine CPU meanwhile ${machine.cpuPercent().toFixed(0)}% of ${availableParallelism() * 100}% (this bench uses one core); load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at end`);
  log(`BENCH_JSON ${JSON.stringify({ args, exact: { p50: quantile(exactMs, 0.5), p99: quantile(exactMs, 0.99) }, figures, skipped })}`);
}

main();
