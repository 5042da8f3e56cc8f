import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Gallery, topK, type IndexedIdentity } from '../src/gallery';
import { ExactVectors } from '../workers/vector-index/exact-vectors';
import { exactNearest } from '../workers/vector-index/ann-index';
import { GalleryData, writeIdentities } from '../test/helpers/gallery-data';
import { searchConfig } from '../test/helpers/gallery';
import type { GallerySearchConfig } from '../src/gallery';
import Database from 'better-sqlite3';
import { onCleanup } from './cleanup';

/** Figures of one gallery size (all times in ms, memory in MiB). */
export interface GallerySizeFigures {
  readonly identities: number;
  readonly faces: number;
  readonly mode: 'exact' | 'ann';
  readonly insertMs: number;
  /** Worker start to index ready, and the event loop's worst delay meanwhile ('loaded': from a kept index file, see `keepDir`). */
  readonly buildOrigin: 'built' | 'loaded' | 'empty';
  readonly buildMs: number;
  readonly buildLagMaxMs: number;
  readonly buildLagP99Ms: number;
  readonly memoryMiB: number;
  readonly indexFileMiB: number | null;
  /** Restart: worker start to ready from the saved file (null when no file is kept at this size). */
  readonly loadMs: number | null;
  readonly loadLagMaxMs: number | null;
  readonly loadLagP99Ms: number | null;
  readonly search: { readonly p50Ms: number; readonly p99Ms: number; readonly queries: number };
  /** The same queries a second time: past the first seconds after the index is ready (its loading's garbage collected). */
  readonly searchAgain: { readonly p50Ms: number; readonly p99Ms: number };
  readonly recall: { readonly enrolled: number; readonly strangers: number; readonly decisionAgreement: number };
  /** |reported - exact similarity| where the answer is the exact one (how far the index's scores are off). */
  readonly similarityError: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Searches kept in flight by `concurrency` callers for the load window: throughput, latency, event-loop lag. */
  readonly load: { readonly concurrency: number; readonly searchesPerSecond: number; readonly p99Ms: number; readonly lagP99Ms: number; readonly lagMaxMs: number };
  /** The bare limit: an exact scan of every face on the calling thread (blocks its event loop as long). */
  readonly exactScan: { readonly p50Ms: number; readonly p99Ms: number; readonly queries: number };
  /** The gallery search before this change (`topK` over per-identity arrays on the main thread); sizes up to 100k. */
  readonly previousTopK: { readonly p50Ms: number; readonly p99Ms: number; readonly queries: number } | null;
}

export interface MeasureOptions {
  readonly queries: number;
  readonly loadSeconds: number;
  readonly concurrency: number;
  readonly search: Partial<GallerySearchConfig>;
  readonly log: (line: string) => void;
  /**
   * A folder that keeps each size's gallery (and its index file) between runs: a later run with
   * the same size reuses them, so sweeping search settings at 1M costs a load, not an insert and a
   * build. Null: a temporary folder, removed at the end.
   */
  readonly keepDir?: string | null;
}

const MATCH = 0.35;
const ms = (from: number): number => performance.now() - from;

export function percentile(values: readonly number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Opens the gallery with search and waits for its index; returns the time and the event loop's worst delay meanwhile. */
async function openReady(dir: string, config: GallerySearchConfig, probe: Float32Array): Promise<{ gallery: Gallery; ms: number; lagMaxMs: number; lagP99Ms: number }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now();
  const gallery = Gallery.open(dir, { search: config });
  await gallery.search(probe, 1);
  const took = ms(t0);
  lag.disable();
  return { gallery, ms: took, lagMaxMs: lag.max / 1e6, lagP99Ms: lag.percentile(99) / 1e6 };
}

function dirBytes(dir: string): number | null {
  const index = join(dir, 'gallery-index');
  try {
    return readdirSync(index).reduce((sum, f) => sum + statSync(join(index, f)).size, 0);
  } catch {
    return null;
  }
}

/** How many identities a kept gallery.db holds (0 when there is none). */
function keptIdentities(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM identities').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** The size's folder: kept under `keepDir` (made on first use), else a temporary one removed at the end. */
function sizeDir(identities: number, keepDir: string | null | undefined): { dir: string; remove: () => void } {
  if (keepDir) {
    const dir = join(keepDir, `gallery-${identities}-seed1`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { dir, remove: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-gallery-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function measureSize(identities: number, o: MeasureOptions): Promise<GallerySizeFigures> {
  const { dir, remove } = sizeDir(identities, o.keepDir);
  const forget = onCleanup(remove);
  try {
    const data = new GalleryData({ identities, seed: 1 });
    const dims = data.dims;
    // Every face, back to back, for the exact scan and the ground truth; owner[f] = identity of face f.
    const total = Array.from({ length: identities }, (_, i) => data.faceCount(i)).reduce((a, b) => a + b, 0);
    const dataset = new Float32Array(total * dims);
    const owner = new Int32Array(total);
    let f = 0;
    const keep = (i: number, v: Float32Array): void => {
      dataset.set(v, f * dims);
      owner[f++] = i;
    };
    const t0 = performance.now();
    const dbPath = join(dir, 'gallery.db');
    const kept = keptIdentities(dbPath);
    const reuse = kept === identities;
    if (reuse) {
      // The same seed gives the same faces: regenerate them for the ground truth, the rows are there.
      for (let i = 0; i < identities; i++) for (const v of data.faces(i)) keep(i, v);
      o.log(`  reusing the kept gallery in ${dir} (${identities} identities, ${total} faces)`);
    } else {
      if (kept !== 0) throw new Error(`${dbPath} holds ${kept} identities, not ${identities}: remove it first`);
      Gallery.open(dir).close();
      for (let from = 0; from < identities; from += 20_000) writeIdentities(dbPath, data, from, Math.min(identities, from + 20_000), keep);
    }
    const insertMs = reuse ? 0 : ms(t0);
    if (!reuse) o.log(`  ${identities} identities, ${total} faces written to gallery.db in ${(insertMs / 1000).toFixed(1)} s`);

    const q = o.queries;
    const queries = new Float32Array(2 * q * dims);
    for (let i = 0; i < q; i++) queries.set(data.viewOf(Math.floor((i * identities) / q), i), i * dims);
    for (let i = 0; i < q; i++) queries.set(data.stranger(i), (q + i) * dims);
    const query = (i: number): Float32Array => queries.subarray(i * dims, (i + 1) * dims);
    // Ground truth: the exact best face of each query (its identity is the exact top-1 identity, there being no negatives here).
    const truthFaces = exactNearest(dataset, queries, dims, 2);
    const truth = Array.from(truthFaces, (face) => `id-${owner[face] as number}`);
    const similarity = (v: Float32Array, face: number): number => {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += (v[d] as number) * (dataset[face * dims + d] as number);
      return dot;
    };
    const truthSimilarity = Array.from(truthFaces, (face, i) => similarity(query(i), face));

    const config = searchConfig({ persistMinFaces: undefined, ...o.search });
    const rss0 = process.memoryUsage().rss;
    const built = await openReady(dir, config, query(0));
    let gallery = built.gallery;
    const memoryMiB = (process.memoryUsage().rss - rss0) / 2 ** 20;
    const stats = await gallery.searchStats();
    o.log(`  index ready (${stats.mode}, ${stats.origin}) in ${(built.ms / 1000).toFixed(1)} s; event-loop delay meanwhile p99 ${built.lagP99Ms.toFixed(1)} ms, max ${built.lagMaxMs.toFixed(1)} ms`);

    const latencies: number[] = [];
    const errors: number[] = [];
    let enrolled = 0;
    let strangers = 0;
    let agree = 0;
    for (let i = 0; i < 2 * q; i++) {
      const t = performance.now();
      const [top] = await gallery.search(query(i), 1);
      latencies.push(ms(t));
      if (top && top.identity.id === truth[i]) {
        if (i < q) enrolled += 1;
        else strangers += 1;
        errors.push(Math.abs(top.similarity - (truthSimilarity[i] as number)));
      }
      // The recognizer's use of it: named (and who) or not, at the default match threshold.
      const want = (truthSimilarity[i] as number) >= MATCH ? truth[i] : null;
      const got = top && top.similarity >= MATCH ? top.identity.id : null;
      if (want === got) agree += 1;
    }

    const again: number[] = [];
    for (let i = 0; i < 2 * q; i++) {
      const t = performance.now();
      await gallery.search(query(i), 1);
      again.push(ms(t));
    }

    // The bare limit, on this thread (it blocks the event loop as long); it also checks the ground truth.
    const exact = new ExactVectors(dims, total);
    for (let g = 0; g < total; g += 65_536) {
      const n = Math.min(65_536, total - g);
      exact.add(Array.from({ length: n }, (_, j) => g + j), dataset.subarray(g * dims, (g + n) * dims));
    }
    // About 10 s of scanning at most: all queries at 10k, a few at 1M.
    const scanQueries = Math.min(2 * q, Math.max(10, Math.floor(4e9 / (total * dims))));
    const scan: number[] = [];
    for (let j = 0; j < scanQueries; j++) {
      const i = j % 2 === 0 ? j / 2 : q + (j - 1) / 2;
      const t = performance.now();
      const [face] = exact.nearest(query(i), 1);
      scan.push(ms(t));
      if (face !== truthFaces[i] && Math.abs(similarity(query(i), face as number) - (truthSimilarity[i] as number)) > 1e-5) {
        throw new Error(`the ground truth disagrees with the exact scan at query ${i}`);
      }
    }

    let previousTopK: GallerySizeFigures['previousTopK'] = null;
    if (identities <= 100_000) {
      const byIdentity: IndexedIdentity[] = [];
      for (let g = 0; g < total; g++) {
        const i = owner[g] as number;
        const face = dataset.subarray(g * dims, (g + 1) * dims);
        const entry = byIdentity[i];
        if (entry) (entry.faces as Float32Array[]).push(face);
        else byIdentity[i] = { identity: { id: `id-${i}`, name: `person-${i}`, externalId: null, metadata: null }, faces: [face], negatives: [] };
      }
      const times: number[] = [];
      for (let i = 0; i < Math.min(2 * q, 40); i++) {
        const t = performance.now();
        topK(byIdentity, query(i % 2 === 0 ? i / 2 : q + (i - 1) / 2), 1);
        times.push(ms(t));
      }
      previousTopK = { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), queries: times.length };
    }

    const load = await measureLoad(gallery, queries, dims, o);
    o.log(`  under load: ${load.searchesPerSecond.toFixed(0)} searches/s with ${load.concurrency} in flight, p99 ${load.p99Ms.toFixed(2)} ms, event-loop lag p99 ${load.lagP99Ms.toFixed(2)} ms`);

    const tSave = performance.now();
    await gallery.close(600_000);
    const indexBytes = dirBytes(dir);
    let loadMs: number | null = null;
    let loadLagMaxMs: number | null = null;
    let loadLagP99Ms: number | null = null;
    if (indexBytes !== null && indexBytes > 0) {
      o.log(`  index saved in ${(ms(tSave) / 1000).toFixed(1)} s (${(indexBytes / 2 ** 20).toFixed(0)} MiB); restarting from it`);
      const reopened = await openReady(dir, config, query(0));
      gallery = reopened.gallery;
      loadMs = reopened.ms;
      loadLagMaxMs = reopened.lagMaxMs;
      loadLagP99Ms = reopened.lagP99Ms;
      const origin = (await gallery.searchStats()).origin;
      if (origin !== 'loaded') o.log(`  (the restart did not load the file: ${origin})`);
      await gallery.close(600_000);
    }
    return {
      identities, faces: total, mode: stats.mode, insertMs, buildOrigin: stats.origin, buildMs: built.ms, buildLagMaxMs: built.lagMaxMs, buildLagP99Ms: built.lagP99Ms, memoryMiB,
      indexFileMiB: indexBytes === null ? null : indexBytes / 2 ** 20, loadMs, loadLagMaxMs, loadLagP99Ms,
      search: { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), queries: latencies.length },
      searchAgain: { p50Ms: percentile(again, 50), p99Ms: percentile(again, 99) },
      recall: { enrolled: enrolled / q, strangers: strangers / q, decisionAgreement: agree / (2 * q) },
      similarityError: { p50: percentile(errors, 50), p99: percentile(errors, 99), max: percentile(errors, 100) },
      load,
      exactScan: { p50Ms: percentile(scan, 50), p99Ms: percentile(scan, 99), queries: scan.length },
      previousTopK,
    };
  } finally {
    remove();
    forget();
  }
}

/** `concurrency` callers each keep one search in flight (as cameras would) for the window; the event loop's delay is sampled meanwhile. */
async function measureLoad(gallery: Gallery, queries: Float32Array, dims: number, o: MeasureOptions): Promise<GallerySizeFigures['load']> {
  const count = queries.length / dims;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const latencies: number[] = [];
  const end = performance.now() + o.loadSeconds * 1000;
  let next = 0;
  lag.enable();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < end) {
        const i = next++ % count;
        const t = performance.now();
        await gallery.search(queries.subarray(i * dims, (i + 1) * dims), 2);
        latencies.push(ms(t));
      }
    }),
  );
  const seconds = ms(t0) / 1000;
  lag.disable();
  return { concurrency: o.concurrency, searchesPerSecond: latencies.length / seconds, p99Ms: percentile(latencies, 99), lagP99Ms: lag.percentile(99) / 1e6, lagMaxMs: lag.max / 1e6 };
}

/**
 * Search latency at one small size: exact on the calling thread (what `auto` does up to
 * exactMaxFaces; the event loop is blocked that long) against the worker's ANN index (a round
 * trip, the loop stays free). Where they meet is where `auto` should switch.
 */
export async function measureCrossover(identities: number, o: MeasureOptions): Promise<{ identities: number; faces: number; inline: { p50Ms: number; p99Ms: number }; ann: { p50Ms: number; p99Ms: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-gallery-cross-'));
  const forget = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const data = new GalleryData({ identities, seed: 2 });
    Gallery.open(dir).close();
    const faces = writeIdentities(join(dir, 'gallery.db'), data, 0, identities);
    const queries = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? data.viewOf((i * 7) % identities, i) : data.stranger(i)));
    const timed = async (mode: 'auto' | 'ann'): Promise<{ p50Ms: number; p99Ms: number }> => {
      const { gallery } = await openReady(dir, searchConfig({ ...o.search, mode, exactMaxFaces: 100_000_000, persistIndex: false }), queries[0] as Float32Array);
      try {
        const times: number[] = [];
        for (let rep = 0; rep < 2; rep++) {
          for (const v of queries) {
            const t = performance.now();
            await gallery.search(v, 1);
            if (rep === 1) times.push(ms(t));
          }
        }
        return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
      } finally {
        await gallery.close();
      }
    };
    return { identities, faces, inline: await timed('auto'), ann: await timed('ann') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    forget();
  }
}
