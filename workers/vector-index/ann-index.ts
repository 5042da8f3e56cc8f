import { Index, MetricKind, ScalarKind, exactSearch } from 'usearch';
/** How the ANN index stores vectors (see `scoresExact` for what its similarities are worth). */
export type Quantization = 'i8' | 'f16' | 'f32';

/** HNSW graph degree and build breadth: usearch's usual values; recall is tuned by `expansionSearch`. */
const CONNECTIVITY = 16;
export const EXPANSION_ADD = 128;
const SCALAR: Record<Quantization, ScalarKind> = { i8: ScalarKind.I8, f16: ScalarKind.F16, f32: ScalarKind.F32 };

/**
 * Whether an index of these vectors scores its neighbours exactly (`scored`): f32 does, f16 to
 * ~1e-4 (measured on the generated faces: |error| p99 4e-5). i8 does not: usearch normalises and
 * casts each vector to 127 steps, and its i8 similarities were off by 0.003 (p50) to 0.012 (p99)
 * even after the best linear rescaling, so an i8 index's candidates are re-ranked on the stored
 * float32 vectors.
 */
export function scoresExact(quantization: Quantization): boolean {
  return quantization !== 'i8';
}

/** A vector found near a query: its id and its inner product (cosine) with the query. */
export interface Neighbour {
  readonly id: number;
  readonly similarity: number;
}

export interface AnnOptions {
  readonly dimensions: number;
  readonly quantization: Quantization;
  readonly expansionSearch: number;
  readonly buildThreads: number;
  /** HNSW build breadth (default 128): lower builds faster, with a somewhat worse graph. */
  readonly expansionAdd?: number;
}

/**
 * Approximate nearest vectors: a usearch HNSW index keyed by row id (the gallery's faces, the
 * history's appearances). The one file that imports usearch. Removal frees the slot for a later
 * add (usearch reuses it), so churn does not grow memory (measured flat over 16 rounds of 2,000
 * with usearch 2.26.2; 2.25.3 lost removals under churn, see test/unit/workers/ann-index.test.ts).
 * Vectors are L2-normalised, so inner product is cosine.
 */
export class AnnIndex {
  readonly dimensions: number;
  readonly #index: Index;

  private constructor(index: Index, dimensions: number) {
    this.#index = index;
    this.dimensions = dimensions;
  }

  static create(options: AnnOptions): AnnIndex {
    return new AnnIndex(AnnIndex.#empty(options), options.dimensions);
  }

  /** Reads an index file written by `save`; throws when it is unreadable or of other dimensions. */
  static load(path: string, options: AnnOptions): AnnIndex {
    const index = AnnIndex.#empty(options);
    index.load(path);
    if (index.dimensions() !== options.dimensions) throw new Error(`index file has ${index.dimensions()} dimensions, expected ${options.dimensions}`);
    return new AnnIndex(index, options.dimensions);
  }

  static #empty(options: AnnOptions): Index {
    return new Index({
      dimensions: options.dimensions,
      metric: MetricKind.IP,
      quantization: SCALAR[options.quantization],
      connectivity: CONNECTIVITY,
      expansion_add: options.expansionAdd ?? EXPANSION_ADD,
      expansion_search: options.expansionSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.#index.size();
  }

  has(id: number): boolean {
    return this.#index.contains(BigInt(id)) as boolean;
  }

  /** Adds vectors (`vectors` holds them back to back); ids already present must be removed first. */
  add(ids: readonly number[], vectors: Float32Array, threads: number): void {
    if (ids.length === 0) return;
    this.#index.add(BigUint64Array.from(ids, (id) => BigInt(id)), vectors, threads);
  }

  remove(id: number): boolean {
    return (this.#index.remove(BigInt(id)) as number) > 0;
  }

  /** Ids of up to `n` vectors nearest to `query`, nearest first. */
  nearest(query: Float32Array, n: number): number[] {
    return this.scored(query, n).map((neighbour) => neighbour.id);
  }

  /** Up to `n` vectors nearest to `query`, nearest first, with their similarity (exact or not: `scoresExact`). */
  scored(query: Float32Array, n: number): Neighbour[] {
    if (this.#index.size() === 0) return [];
    const matches = this.#index.search(query, n, 1);
    // Inner product: usearch's distance is 1 - similarity.
    return Array.from(matches.keys, (key, i) => ({ id: Number(key), similarity: 1 - (matches.distances[i] as number) }));
  }

  save(path: string): void {
    this.#index.save(path);
  }
}

/**
 * The exact nearest vector (an index into `dataset`) for each query, by usearch's SIMD brute force:
 * the benchmark's ground truth at sizes where a JavaScript scan per query would take hours.
 * Queries are copied first: usearch 2.25.3's exactSearch ignores a typed array's byteOffset.
 */
export function exactNearest(dataset: Float32Array, queries: Float32Array, dimensions: number, threads: number): Int32Array {
  const count = queries.length / dimensions;
  const out = new Int32Array(count);
  const batch = 64;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const result = exactSearch(dataset, queries.slice(start * dimensions, (start + n) * dimensions), dimensions, 1, MetricKind.IP, threads);
    // One neighbour per query: the keys are the answers in query order, for one query or a batch.
    for (let i = 0; i < n; i++) out[start + i] = Number(result.keys[i]);
  }
  return out;
}

/**
 * The k nearest rows of `dataset` to one query by usearch's SIMD brute force (inner product, so
 * cosine for unit vectors), nearest first: the exact answer and the bare limit an index is
 * measured against (the history benchmark).
 */
export function exactTopK(dataset: Float32Array, query: Float32Array, dimensions: number, k: number, threads = 1): { index: number; similarity: number }[] {
  const result = exactSearch(dataset, query.slice(), dimensions, k, MetricKind.IP, threads);
  const out: { index: number; similarity: number }[] = [];
  for (let i = 0; i < k && i < result.keys.length; i++) out.push({ index: Number(result.keys[i]), similarity: 1 - Number(result.distances[i]) });
  return out;
}
