import { VigilError } from '../errors';
import { systemClock, type Clock, type TimerHandle } from '../lifecycle';
import { decideBatch, takeCount, type BatchLimits } from './batch-policy';

/** One request's answer out of a batch: a bad frame fails alone, not its batch. */
export type Settled<Res> = { readonly ok: true; readonly value: Res } | { readonly ok: false; readonly error: VigilError };

export interface LaneOptions<Req, Res> {
  readonly limits: BatchLimits;
  /** Requests waiting at most; past it a request is refused at once (VIGIL_ERR_INFERENCE_FAILED). */
  readonly maxQueued: number;
  /** Frames for the detector, faces for the embedder. */
  readonly weight: (request: Req) => number;
  /** Runs one batch; resolves one answer per request, in order. A rejection fails the whole batch. */
  readonly run: (batch: readonly Req[], queuedMs: readonly number[]) => Promise<readonly Settled<Res>[]>;
}

interface Pending<Req, Res> {
  readonly request: Req;
  readonly weight: number;
  readonly at: number;
  readonly resolve: (value: Res) => void;
  readonly reject: (error: VigilError) => void;
}

interface Lane<Req, Res> {
  readonly name: string;
  readonly options: LaneOptions<Req, Res>;
  readonly queue: Pending<Req, Res>[];
  weight: number;
}

export interface BatchLane<Req, Res> {
  submit(request: Req): Promise<Res>;
  readonly queued: number;
}

/**
 * The inference pool's queue: requests from every camera in arrival order (FIFO, so no camera
 * starves), cut into batches by `decideBatch`, at most `capacity` batches running at once (one
 * per worker). Lanes (detection, embedding) share the workers; a free worker takes the lane
 * whose oldest request has waited longest.
 */
export class BatchScheduler {
  readonly #capacity: number;
  readonly #clock: Clock;
  readonly #lanes: Lane<never, never>[] = [];
  #inFlight = 0;
  #timer: TimerHandle | null = null;
  #draining = false;
  #closed: VigilError | null = null;
  #drained: (() => void)[] = [];

  /** Sub-millisecond queue times: the waits are a few milliseconds at most. */
  constructor(capacity: number, clock: Clock = { ...systemClock, now: () => performance.now() }) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#clock = clock;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#lanes.reduce((n, lane) => n + lane.queue.length, 0);
  }

  lane<Req, Res>(name: string, options: LaneOptions<Req, Res>): BatchLane<Req, Res> {
    const lane: Lane<Req, Res> = { name, options, queue: [], weight: 0 };
    this.#lanes.push(lane as unknown as Lane<never, never>);
    return {
      submit: (request) => this.#submit(lane, request),
      get queued() {
        return lane.queue.length;
      },
    };
  }

  #submit<Req, Res>(lane: Lane<Req, Res>, request: Req): Promise<Res> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (lane.queue.length >= lane.options.maxQueued) {
      return Promise.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', `the ${lane.name} queue is full (${lane.options.maxQueued} requests waiting)`));
    }
    return new Promise<Res>((resolve, reject) => {
      const weight = Math.max(1, lane.options.weight(request));
      lane.queue.push({ request, weight, at: this.#clock.now(), resolve, reject });
      lane.weight += weight;
      this.#pump();
    });
  }

  #pump(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    let waitMs = Infinity;
    for (;;) {
      waitMs = Infinity;
      let chosen: Lane<never, never> | null = null;
      const now = this.#clock.now();
      for (const lane of this.#lanes) {
        const head = lane.queue[0];
        const decision = decideBatch(
          { queued: lane.queue.length, queuedWeight: lane.weight, oldestAgeMs: head ? now - head.at : 0, inFlight: this.#inFlight, capacity: this.#capacity, draining: this.#draining },
          lane.options.limits,
        );
        if (decision.kind === 'dispatch' && (!chosen || (head as Pending<never, never>).at < (chosen.queue[0] as Pending<never, never>).at)) chosen = lane;
        else if (decision.kind === 'wait') waitMs = Math.min(waitMs, decision.ms);
      }
      if (!chosen) break;
      this.#dispatch(chosen, now);
    }
    if (Number.isFinite(waitMs)) this.#timer = this.#clock.setTimeout(() => this.#pump(), Math.max(1, Math.ceil(waitMs)));
  }

  #dispatch<Req, Res>(lane: Lane<Req, Res>, now: number): void {
    const count = takeCount(
      lane.queue.map((p) => p.weight),
      lane.options.limits.maxSize,
    );
    const batch = lane.queue.splice(0, count);
    for (const p of batch) lane.weight -= p.weight;
    this.#inFlight += 1;
    let settled: Promise<readonly Settled<Res>[]>;
    try {
      settled = lane.options.run(
        batch.map((p) => p.request),
        batch.map((p) => now - p.at),
      );
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled
      .then(
        (answers) => batch.forEach((p, i) => {
          const answer = answers[i];
          if (!answer) p.reject(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the worker returned no answer for this frame'));
          else if (answer.ok) p.resolve(answer.value);
          else p.reject(answer.error);
        }),
        (error: unknown) => {
          const failure = error instanceof VigilError ? error : new VigilError('VIGIL_ERR_INFERENCE_FAILED', String((error as Error)?.message ?? error));
          for (const p of batch) p.reject(failure);
        },
      )
      .finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        if (this.#inFlight === 0 && this.queued === 0) for (const done of this.#drained.splice(0)) done();
      });
  }

  /** Sends everything queued without waiting for company; resolves once nothing is queued or running. */
  drain(): Promise<void> {
    this.#draining = true;
    this.#pump();
    if (this.#inFlight === 0 && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Refuses new requests and fails the queued ones with `error`; running batches finish. */
  close(error: VigilError): void {
    this.#closed = error;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    for (const lane of this.#lanes) {
      for (const p of lane.queue.splice(0)) p.reject(error);
      lane.weight = 0;
    }
    for (const done of this.#drained.splice(0)) done();
  }
}
