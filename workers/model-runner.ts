import { ort, takesBatches } from './onnx-session';
import type { RunGate } from './run-gate';

/** What a batch's model runs cost, accumulated by the runner and read by the task. */
export interface RunClock {
  modelMs: number;
  gateWaitMs: number;
  runs: number;
  items: number;
}

export function newClock(): RunClock {
  return { modelMs: 0, gateWaitMs: 0, runs: 0, items: 0 };
}

/**
 * One model's input tensor for up to `capacity` items of `itemSize` floats, allocated as far as
 * used and reused for every batch (no per-frame allocation on the hot path), and its runs:
 * several items in one session.run when the model takes a batch dimension, one by one otherwise
 * (a model supplied without a batched variant still works, just without the batching gain).
 */
export class BatchedModel {
  readonly #session: ort.InferenceSession;
  readonly #gate: RunGate | null;
  readonly #itemShape: readonly number[];
  readonly #itemSize: number;
  readonly #inputName: string;
  readonly #outputNames: readonly string[];
  readonly batched: boolean;
  readonly capacity: number;
  #data = new Float32Array(0);
  #tensors = new Map<number, ort.Tensor>();

  constructor(session: ort.InferenceSession, itemShape: readonly number[], capacity: number, gate: RunGate | null) {
    this.#session = session;
    this.#gate = gate;
    this.#itemShape = itemShape;
    this.#itemSize = itemShape.reduce((a, b) => a * b, 1);
    this.#inputName = session.inputNames[0] ?? 'input';
    this.#outputNames = session.outputNames;
    this.batched = takesBatches(session);
    this.capacity = this.batched ? capacity : 1;
  }

  get session(): ort.InferenceSession {
    return this.#session;
  }

  /** The input slot of item `index` (< capacity) to fill before `run`. */
  slot(index: number): Float32Array {
    if (index >= this.capacity) throw new RangeError(`slot ${index} is beyond the batch capacity ${this.capacity}`);
    const needed = (index + 1) * this.#itemSize;
    if (this.#data.length < needed) {
      // Grows to what the batches use, at most capacity items; earlier slots' contents move along.
      const grown = new Float32Array(Math.min(this.capacity, Math.max(index + 1, (this.#data.length / this.#itemSize) * 2 || 1)) * this.#itemSize);
      grown.set(this.#data);
      this.#data = grown;
      this.#tensors.clear();
    }
    return this.#data.subarray(index * this.#itemSize, needed);
  }

  #tensor(count: number): ort.Tensor {
    let tensor = this.#tensors.get(count);
    if (!tensor) {
      tensor = new ort.Tensor('float32', this.#data.subarray(0, count * this.#itemSize), [count, ...this.#itemShape]);
      this.#tensors.set(count, tensor);
    }
    return tensor;
  }

  /** Runs the first `count` slots; returns each output as one Float32Array of count items. */
  async run(count: number, clock: RunClock): Promise<Record<string, Float32Array>> {
    const feeds = { [this.#inputName]: this.#tensor(count) };
    const started = performance.now();
    let waited = 0;
    let outputs: ort.InferenceSession.OnnxValueMapType;
    if (this.#gate) {
      const held = await this.#gate.run(() => this.#session.run(feeds));
      outputs = held.value;
      waited = held.waitedMs;
    } else {
      outputs = await this.#session.run(feeds);
    }
    clock.modelMs += performance.now() - started - waited;
    clock.gateWaitMs += waited;
    clock.runs += 1;
    clock.items += count;
    const result: Record<string, Float32Array> = {};
    for (const name of this.#outputNames) {
      const data = outputs[name]?.data;
      if (!(data instanceof Float32Array)) throw new Error(`model output "${name}" is not float32`);
      result[name] = data;
    }
    return result;
  }

  /**
   * Runs `count` items in as few runs as the capacity allows: `fill(i, slot)` writes item i's input,
   * `read(i, outputs, k, n)` takes item i's answer at position k of the run's outputs (n items).
   */
  async runAll(count: number, clock: RunClock, fill: (item: number, slot: Float32Array) => void, read: (item: number, outputs: Record<string, Float32Array>, position: number, runSize: number) => void): Promise<void> {
    for (let first = 0; first < count; first += this.capacity) {
      const n = Math.min(this.capacity, count - first);
      for (let k = 0; k < n; k++) fill(first + k, this.slot(k));
      const outputs = await this.run(n, clock);
      for (let k = 0; k < n; k++) read(first + k, outputs, k, n);
    }
  }
}
