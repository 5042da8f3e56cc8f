import { Index, MetricKind, ScalarKind, exactSearch } from 'usearch';
import type { Quantization } from './protocol';

/** HNSW graph degree and build breadth: usearch's usual values; recall is tuned by `expansionSearch`. */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;
const SCALAR: Record<Quantization, ScalarKind> = { i8: ScalarKind.I8, f16: ScalarKind.F16, f32: ScalarKind.F32 };

export interface AnnOptions {
  readonly dimensions: number;
  readonly quantization: Quantization;
  readonly expansionSearch: number;
  readonly buildThreads: number;
}

/**
 * Approximate nearest faces: a usearch HNSW index keyed by face id (the faces table's rowid). The
 * one file that imports usearch. Removal frees the slot for a later add (usearch reuses it), so
 * churn does not grow memory. Vectors are L2-normalised, so inner product is cosine.
 */
export class AnnFaces {
  readonly dimensions: number;
  readonly #index: Index;

  private constructor(index: Index, dimensions: number) {
    this.#index = index;
    this.dimensions = dimensions;
  }

  static create(options: AnnOptions): AnnFaces {
    return new AnnFaces(AnnFaces.#empty(options), options.dimensions);
  }

  /** Reads an index file written by `save`; throws when it is unreadable or of other dimensions. */
  static load(path: string, options: AnnOptions): AnnFaces {
    const index = AnnFaces.#empty(options);
    index.load(path);
    if (index.dimensions() !== options.dimensions) throw new Error(`index file has ${index.dimensions()} dimensions, expected ${options.dimensions}`);
    return new AnnFaces(index, options.dimensions);
  }

  static #empty(options: AnnOptions): Index {
    return new Index({
      dimensions: options.dimensions,
      metric: MetricKind.IP,
      quantization: SCALAR[options.quantization],
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
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

  /** Adds faces (`vectors` holds them back to back); ids already present must be removed first. */
  add(ids: readonly number[], vectors: Float32Array, threads: number): void {
    if (ids.length === 0) return;
    this.#index.add(BigUint64Array.from(ids, (id) => BigInt(id)), vectors, threads);
  }

  remove(id: number): boolean {
    return (this.#index.remove(BigInt(id)) as number) > 0;
  }

  /** Ids of up to `n` faces nearest to `query`, nearest first. */
  nearest(query: Float32Array, n: number): number[] {
    if (this.#index.size() === 0) return [];
    const matches = this.#index.search(query, n, 1);
    return Array.from(matches.keys, (key) => Number(key));
  }

  save(path: string): void {
    this.#index.save(path);
  }
}

/**
 * The exact nearest face (an index into `dataset`) for each query, by usearch's SIMD brute force:
 * the benchmark's ground truth at sizes where a JavaScript scan per query would take hours.
 * Queries are copied first: usearch 2.25.3's exactSearch ignores a typed array's byteOffset.
 */
export function exactNearestFaces(dataset: Float32Array, queries: Float32Array, dimensions: number, threads: number): Int32Array {
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
