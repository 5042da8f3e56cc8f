import type { Neighbour } from './ann-index';

/**
 * Exact nearest vectors: every vector back to back in one Float32Array, scanned in full per
 * search. For small sets this beats the ANN index (no graph to walk) and it is exact; the
 * crossover is measured by `npm run bench:gallery`.
 */
export class ExactVectors {
  readonly dimensions: number;
  #vectors: Float32Array;
  #ids: number[] = [];
  readonly #slotOf = new Map<number, number>();
  #scores = new Float32Array(0);

  constructor(dimensions: number, capacity = 1024) {
    this.dimensions = dimensions;
    this.#vectors = new Float32Array(dimensions * capacity);
  }

  get size(): number {
    return this.#ids.length;
  }

  has(id: number): boolean {
    return this.#slotOf.has(id);
  }

  /** Adds vectors (`vectors` holds them back to back); an id already present is replaced. */
  add(ids: readonly number[], vectors: Float32Array): void {
    const d = this.dimensions;
    ids.forEach((id, i) => {
      const row = vectors.subarray(i * d, (i + 1) * d);
      const slot = this.#slotOf.get(id);
      if (slot !== undefined) return this.#vectors.set(row, slot * d);
      if ((this.#ids.length + 1) * d > this.#vectors.length) {
        const grown = new Float32Array(this.#vectors.length * 2);
        grown.set(this.#vectors);
        this.#vectors = grown;
      }
      this.#vectors.set(row, this.#ids.length * d);
      this.#slotOf.set(id, this.#ids.length);
      this.#ids.push(id);
    });
  }

  /** Removes a vector by moving the last one into its slot. */
  remove(id: number): boolean {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return false;
    const d = this.dimensions;
    const last = this.#ids.length - 1;
    const lastId = this.#ids[last] as number;
    if (slot !== last) {
      this.#vectors.copyWithin(slot * d, last * d, (last + 1) * d);
      this.#ids[slot] = lastId;
      this.#slotOf.set(lastId, slot);
    }
    this.#ids.pop();
    this.#slotOf.delete(id);
    return true;
  }

  /** Ids of the `n` vectors nearest to `query` (highest inner product), nearest first. */
  nearest(query: Float32Array, n: number): number[] {
    return this.#nearestSlots(query, n).map((slot) => this.#ids[slot] as number);
  }

  /** The `n` vectors nearest to `query`, nearest first, with their inner product. */
  scored(query: Float32Array, n: number): Neighbour[] {
    return this.#nearestSlots(query, n).map((slot) => ({ id: this.#ids[slot] as number, similarity: this.#scores[slot] as number }));
  }

  #nearestSlots(query: Float32Array, n: number): number[] {
    const d = this.dimensions;
    const count = this.#ids.length;
    if (this.#scores.length < count) this.#scores = new Float32Array(this.#vectors.length / d);
    const scores = this.#scores;
    const v = this.#vectors;
    for (let f = 0, base = 0; f < count; f++, base += d) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += (query[i] as number) * (v[base + i] as number);
      scores[f] = dot;
    }
    return this.#top(scores, count, Math.min(n, count));
  }

  /** The `n` best slots: insertion into a short sorted list when n is small, else a full sort. */
  #top(scores: Float32Array, count: number, n: number): number[] {
    if (n <= 0) return [];
    if (n > 64) {
      const order = Array.from({ length: count }, (_, f) => f).sort((a, b) => (scores[b] as number) - (scores[a] as number));
      return order.slice(0, n);
    }
    const best: number[] = [];
    for (let f = 0; f < count; f++) {
      const s = scores[f] as number;
      if (best.length === n && s <= (scores[best[n - 1] as number] as number)) continue;
      let at = best.length < n ? best.length : n - 1;
      while (at > 0 && (scores[best[at - 1] as number] as number) < s) {
        best[at] = best[at - 1] as number;
        at--;
      }
      best[at] = f;
    }
    return best;
  }
}
