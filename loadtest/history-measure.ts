import { performance } from 'node:perf_hooks';
import { HistoryQueries, HistoryStore, encodeCursor, type HistoryFilter } from '../src/history';
import { exactTopK } from '../workers/vector-index/ann-index';
import type { Filled } from './history-fill';
import { CAMERAS, PEOPLE } from './history-fill';
import { percentile } from './gallery-measure';

export interface Latency {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly count: number;
}

export const latency = (times: readonly number[]): Latency => ({ p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), count: times.length });

/** GET /v1/events cases: the query string (first page or a deep one by cursor) and the same page read from SQLite directly. */
export interface PageCase {
  readonly name: string;
  readonly query: (i: number) => string;
  readonly filter: HistoryFilter;
  readonly position: (i: number) => { time: number; id: number } | null;
}

const ANY: HistoryFilter = { cameras: null, types: null, identities: null, from: null, to: null };

export function pageCases(filled: Filled): PageCase[] {
  const span = filled.to - filled.from;
  // A position somewhere in the history (the cursor a client reaches after paging there).
  const deep = (i: number): { time: number; id: number } => ({ time: Math.round(filled.from + ((i * 7919) % 1000) / 1000 * span), id: Number.MAX_SAFE_INTEGER });
  const camera = (i: number): string => CAMERAS[i % CAMERAS.length] as string;
  const person = (i: number): string => (PEOPLE[i % PEOPLE.length] as { name: string }).name;
  const day = (i: number): { from: number; to: number } => {
    const from = Math.round(filled.from + ((i * 104_729) % 1000) / 1000 * (span - 86_400_000));
    return { from, to: from + 86_400_000 };
  };
  const cursorQuery = (filter: HistoryFilter, i: number): string => `/v1/events?limit=100&cursor=${encodeURIComponent(encodeCursor(filter, deep(i)))}`;
  return [
    { name: 'newest, no filter', query: () => '/v1/events?scope=stored&limit=100', filter: ANY, position: () => null },
    { name: 'deep page, no filter', query: (i) => cursorQuery(ANY, i), filter: ANY, position: deep },
    { name: 'one camera', query: (i) => `/v1/events?scope=stored&limit=100&camera=${camera(i)}`, filter: { ...ANY, cameras: [camera(0)] }, position: () => null },
    { name: 'one camera, deep', query: (i) => cursorQuery({ ...ANY, cameras: [camera(i)] }, i), filter: { ...ANY, cameras: [camera(0)] }, position: deep },
    { name: 'unknown faces only', query: () => '/v1/events?limit=100&unknown=true', filter: { ...ANY, types: ['vigil.face.unknown'] }, position: () => null },
    { name: 'camera + unknown, deep', query: (i) => cursorQuery({ ...ANY, cameras: [camera(i)], types: ['vigil.face.unknown'] }, i), filter: { ...ANY, cameras: [camera(0)], types: ['vigil.face.unknown'] }, position: deep },
    { name: 'one identity', query: (i) => `/v1/events?scope=stored&limit=100&identity=${encodeURIComponent(person(i))}`, filter: { ...ANY, identities: [person(0)] }, position: () => null },
    {
      name: 'a day, all cameras',
      query: (i) => `/v1/events?limit=100&from=${new Date(day(i).from).toISOString()}&to=${new Date(day(i).to).toISOString()}`,
      filter: { ...ANY, ...day(0) },
      position: () => null,
    },
  ];
}

/** Each case over HTTP (the API as clients see it) and straight from SQLite (the bare limit: no HTTP, no JSON). */
export async function measurePages(baseUrl: string, dbDir: string, filled: Filled, requests: number): Promise<{ name: string; http: Latency; sqlite: Latency; rows: number }[]> {
  const store = HistoryStore.open(dbDir);
  const queries = new HistoryQueries(store.db);
  const out: { name: string; http: Latency; sqlite: Latency; rows: number }[] = [];
  try {
    for (const c of pageCases(filled)) {
      const http: number[] = [];
      const bare: number[] = [];
      let rows = 0;
      for (let i = 0; i < requests; i++) {
        const t0 = performance.now();
        const response = await fetch(`${baseUrl}${c.query(i)}`);
        const body = (await response.json()) as { events?: unknown[]; error?: unknown };
        http.push(performance.now() - t0);
        if (!response.ok) throw new Error(`${c.name}: ${response.status} ${JSON.stringify(body.error)}`);
        rows += body.events?.length ?? 0;
        const t1 = performance.now();
        queries.page(c.filter, c.position(i), 100);
        bare.push(performance.now() - t1);
      }
      out.push({ name: c.name, http: latency(http), sqlite: latency(bare), rows: Math.round(rows / requests) });
    }
  } finally {
    store.close();
  }
  return out;
}

export interface SearchFigures {
  readonly http: Latency;
  readonly worker: Latency;
  /** Exact scan of every stored vector, one thread (usearch's SIMD brute force): the bare limit. */
  readonly exactScan: Latency;
  /** Of the exact top-k (similarity >= minSimilarity, the query itself left out), the share the search returned. */
  readonly recall: number;
  /** Of the planted person's other appearances, the share found. */
  readonly plantedFound: number;
  readonly searched: number;
}

/** Search by a planted appearance's event (the "pick an unknown face" flow) for each planted person, against the exact answer. */
export async function measureSearch(baseUrl: string, filled: Filled, k: number, minSimilarity: number): Promise<SearchFigures> {
  const dims = filled.vectors.length / filled.appearances;
  const http: number[] = [];
  const worker: number[] = [];
  const scan: number[] = [];
  let found = 0;
  let wanted = 0;
  let plantedFound = 0;
  let plantedWanted = 0;
  let searched = 0;
  for (const indexes of filled.plantedIndexes) {
    const self = indexes[0] as number;
    const query = filled.vectors.slice(self * dims, (self + 1) * dims);
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}/v1/search/faces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ eventId: filled.appearanceIds[self], limit: k, minSimilarity }) });
    const answer = (await response.json()) as { results?: { eventId: string; similarity: number }[]; searchMs?: number; searched?: number; error?: unknown };
    http.push(performance.now() - t0);
    if (!response.ok || !answer.results) throw new Error(`search: ${response.status} ${JSON.stringify(answer.error)}`);
    worker.push(answer.searchMs ?? NaN);
    searched = answer.searched ?? 0;
    const got = new Set(answer.results.map((r) => r.eventId));
    // Exact: every stored vector, the query's own left out, the same threshold.
    const t1 = performance.now();
    const exact = exactTopK(filled.vectors, query, dims, k + 1);
    scan.push(performance.now() - t1);
    const truth = exact.filter((e) => e.index !== self && e.similarity >= minSimilarity).slice(0, k).map((e) => filled.appearanceIds[e.index] as string);
    found += truth.filter((id) => got.has(id)).length;
    wanted += truth.length;
    const others = indexes.slice(1).map((i) => filled.appearanceIds[i] as string);
    plantedFound += others.filter((id) => got.has(id)).length;
    plantedWanted += others.length;
  }
  return { http: latency(http), worker: latency(worker), exactScan: latency(scan), recall: wanted ? found / wanted : NaN, plantedFound: plantedWanted ? plantedFound / plantedWanted : NaN, searched };
}
