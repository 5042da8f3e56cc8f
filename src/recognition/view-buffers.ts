/**
 * Frame copies for tracks' best views, reused. A track copies its frame each time its view gets
 * better (0.7 MB at 640x360, often several times a second per camera); freshly allocated copies
 * churn blocks of that size through the allocator, whose dynamic mmap threshold then keeps them
 * in its heap, fragmented: measured with 4 RTSP cameras, the gateway's RSS grew about 3.8 MB a
 * minute with no plateau, and stayed flat once such blocks no longer churned. Bounded: at most
 * `keep` spare buffers are held (one size per camera); any others go to the garbage collector.
 */
export class ViewBuffers {
  readonly #keep: number;
  readonly #free: Uint8Array[] = [];

  constructor(keep = 8) {
    this.#keep = keep;
  }

  /** A copy of the first `bytes` of `pixels`, in a reused buffer when one of that size is spare. */
  copy(pixels: ArrayBuffer, bytes: number): Uint8Array {
    const index = this.#free.findIndex((b) => b.byteLength === bytes);
    const target = index >= 0 ? (this.#free.splice(index, 1)[0] as Uint8Array) : new Uint8Array(bytes);
    target.set(new Uint8Array(pixels, 0, bytes));
    return target;
  }

  /** A copy no one reads any more. */
  release(buffer: Uint8Array): void {
    if (this.#free.length < this.#keep && !this.#free.includes(buffer)) this.#free.push(buffer);
  }

  get spare(): number {
    return this.#free.length;
  }
}
