import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MetricKind, ScalarKind, exactSearch } from 'usearch';
import { toInt8 } from './int8-vectors';

/** How the ANN index stores vectors: a byte a value (i8), two (f16) or four (f32). */
export type Quantization = 'i8' | 'f16' | 'f32';

/** HNSW graph degree and build breadth: usearch's usual values; recall is tuned by `expansionSearch`. */
const CONNECTIVITY = 16;
export const EXPANSION_ADD = 128;

/**
 * How each quantization stores and compares vectors, named in the index file's meta: a file made
 * another way is rebuilt, not misread. Similarities are what the index computes: exact for f32,
 * off by about 4e-5 (p99) for f16, 1e-3 for i8 (see int8-vectors.ts). Before `i8-max-abs-cos`,
 * i8 files held usearch's own cast (`i8-usearch-ip`, re-ranked on the stored rows).
 */
const ENCODINGS = {
  i8: { encoding: 'i8-max-abs-cos', scalar: ScalarKind.I8, metric: MetricKind.Cos },
  f16: { encoding: 'f16-ip', scalar: ScalarKind.F16, metric: MetricKind.IP },
  f32: { encoding: 'f32-ip', scalar: ScalarKind.F32, metric: MetricKind.IP },
} as const;

export function encodingOf(quantization: Quantization): string {
  return ENCODINGS[quantization].encoding;
}

/** A vector found near a query: its id and its similarity (cosine) with the query. */
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

/** usearch's native index, under its JavaScript wrapper (which converts every vector to float32 first). */
interface NativeIndex {
  add(keys: BigUint64Array, vectors: Float32Array | Int8Array, threads: number): void;
  search(query: Float32Array | Int8Array, k: number, threads: number): [keys: BigUint64Array, distances: Float32Array, counts: BigUint64Array];
  contains(keys: BigUint64Array): boolean[];
  remove(keys: BigUint64Array): number[];
  dimensions(): number;
  size(): number;
  save(path: string): void;
  load(path: string): void;
}
type NativeIndexClass = new (dimensions: number, metric: MetricKind, scalar: ScalarKind, connectivity: number, expansionAdd: number, expansionSearch: number, multi: boolean) => NativeIndex;

let nativeClass: NativeIndexClass | null = null;

/**
 * The native index class of the installed usearch, loaded the way its wrapper loads it. The
 * wrapper would turn our int8 vectors into float32 and usearch would then cast them back with
 * its own coarse scaling; the native class takes them as they are.
 */
function native(): NativeIndexClass {
  if (nativeClass) return nativeClass;
  const require = createRequire(__filename);
  const load = require('node-gyp-build') as (dir: string) => { CompiledIndex: NativeIndexClass };
  // The package root, three folders above its entry point (javascript/dist/cjs/usearch.js).
  nativeClass = load(join(dirname(require.resolve('usearch')), '..', '..', '..')).CompiledIndex;
  return nativeClass;
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
  readonly #index: NativeIndex;
  readonly #int8: boolean;

  private constructor(index: NativeIndex, options: AnnOptions) {
    this.#index = index;
    this.dimensions = options.dimensions;
    this.#int8 = options.quantization === 'i8';
  }

  static create(options: AnnOptions): AnnIndex {
    return new AnnIndex(AnnIndex.#empty(options), options);
  }

  /** Reads an index file written by `save`; throws when it is unreadable or of other dimensions. */
  static load(path: string, options: AnnOptions): AnnIndex {
    const index = AnnIndex.#empty(options);
    index.load(path);
    if (index.dimensions() !== options.dimensions) throw new Error(`index file has ${index.dimensions()} dimensions, expected ${options.dimensions}`);
    return new AnnIndex(index, options);
  }

  static #empty(options: AnnOptions): NativeIndex {
    const { scalar, metric } = ENCODINGS[options.quantization];
    return new (native())(options.dimensions, metric, scalar, CONNECTIVITY, options.expansionAdd ?? EXPANSION_ADD, options.expansionSearch, false);
  }

  get size(): number {
    return this.#index.size();
  }

  has(id: number): boolean {
    return this.#index.contains(BigUint64Array.of(BigInt(id)))[0] === true;
  }

  /** Adds vectors (`vectors` holds them back to back); ids already present must be removed first. */
  add(ids: readonly number[], vectors: Float32Array, threads: number): void {
    if (ids.length === 0) return;
    if (vectors.length !== ids.length * this.dimensions) throw new Error(`${ids.length} ids for ${vectors.length / this.dimensions} vectors`);
    this.#index.add(BigUint64Array.from(ids, (id) => BigInt(id)), this.#stored(vectors), Math.max(1, threads));
  }

  remove(id: number): boolean {
    return (this.#index.remove(BigUint64Array.of(BigInt(id)))[0] ?? 0) > 0;
  }

  /** Ids of up to `n` vectors nearest to `query`, nearest first. */
  nearest(query: Float32Array, n: number): number[] {
    return this.scored(query, n).map((neighbour) => neighbour.id);
  }

  /** Up to `n` vectors nearest to `query`, nearest first, with their similarity as the index computes it (see ENCODINGS). */
  scored(query: Float32Array, n: number): Neighbour[] {
    if (this.#index.size() === 0 || n <= 0) return [];
    const [keys, distances, counts] = this.#index.search(this.#stored(query), n, 1);
    const found = Number(counts[0] ?? 0);
    const out: Neighbour[] = [];
    // Inner product and cosine alike: usearch's distance is 1 - similarity.
    for (let i = 0; i < found; i++) out.push({ id: Number(keys[i]), similarity: 1 - (distances[i] as number) });
    return out;
  }

  save(path: string): void {
    this.#index.save(path);
  }

  #stored(vectors: Float32Array): Float32Array | Int8Array {
    return this.#int8 ? toInt8(vectors, this.dimensions) : vectors;
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
