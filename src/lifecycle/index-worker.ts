import { Worker } from 'node:worker_threads';
import { StateHolder, type Component, type StateChange } from './component';
import { WORKER_RESOURCE_LIMITS } from './worker-limits';
import type { IndexNotice, IndexReply, IndexRequestBase } from '../../workers/vector-index/worker-protocol';

/** `building` until the worker loaded or built its index; requests made meanwhile wait for it. */
export type IndexWorkerState = 'idle' | 'building' | 'ready' | 'closing' | 'closed' | 'failed';

export interface IndexWorkerHooks<Stats> {
  readonly onBuilding?: (done: number, total: number) => void;
  readonly onReady?: (stats: Stats) => void;
  readonly onWarning?: (message: string) => void;
}

export interface IndexWorkerOptions<Stats> extends IndexWorkerHooks<Stats> {
  readonly name: string;
  /** The compiled worker script. */
  readonly script: string;
  readonly workerData: unknown;
  /** The error requests fail with (a VigilError with the stage's code). */
  readonly failure: (message: string) => Error;
}

/** Requests waiting for the worker, at most. */
const MAX_PENDING = 4096;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A worker thread that owns a vector index (the gallery's faces, the history's appearances) and
 * answers requests in order, off the event loop. A worker that dies or cannot build its index
 * fails the pending requests and is started again after a delay doubling up to 30 s, which resets
 * once one becomes ready. `close` has the worker save its index file before it exits.
 */
export class IndexWorker<Request extends IndexRequestBase, Stats> implements Component<IndexWorkerState> {
  readonly name: string;
  readonly #options: IndexWorkerOptions<Stats>;
  readonly #state = new StateHolder<IndexWorkerState>('idle');
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;
  #stats: Stats | null = null;
  #closing: Promise<void> | null = null;
  #respawn: NodeJS.Timeout | null = null;
  #respawnDelayMs = 1000;

  constructor(options: IndexWorkerOptions<Stats>) {
    this.name = options.name;
    this.#options = options;
  }

  get state(): IndexWorkerState {
    return this.#state.state;
  }

  /** What the index reported when it became ready (null before). */
  get readyStats(): Stats | null {
    return this.#stats;
  }

  onChange(listener: (change: StateChange<IndexWorkerState>) => void): () => void {
    return this.#state.onChange(listener);
  }

  /** Starts the worker; resolves at once (a large index builds in the background, requests wait for it). */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.#spawn();
  }

  #spawn(): void {
    const worker = new Worker(this.#options.script, { workerData: this.#options.workerData, resourceLimits: WORKER_RESOURCE_LIMITS });
    this.#worker = worker;
    this.#state.set('building');
    worker.on('message', (message: IndexReply | IndexNotice<Stats>) => this.#onMessage(message));
    worker.on('error', (error) => this.#fail(worker, `the ${this.name} worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#fail(worker, `the ${this.name} worker exited (code ${code})`));
  }

  /** Sends a request; resolves with the worker's answer, in order with the others. */
  request(body: DistributiveOmit<Request, 'id'>): Promise<unknown> {
    const worker = this.#worker;
    const open = this.state === 'building' || this.state === 'ready' || (this.state === 'closing' && body.type === 'close');
    if (!worker || !open) return Promise.reject(this.#options.failure(`the ${this.name} is ${this.state}`));
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(this.#options.failure(`${MAX_PENDING} ${this.name} requests already waiting`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id });
    });
  }

  /** Sends a request whose answer nobody waits for, while the worker is up (a hint to catch up now). */
  hint(body: DistributiveOmit<Request, 'id'>): void {
    if (this.#worker && (this.state === 'building' || this.state === 'ready')) this.request(body).catch(() => undefined);
  }

  /** Saves the index file (when worth keeping) and ends the worker; past `timeoutMs` the worker is terminated. */
  close(timeoutMs = 10_000): Promise<void> {
    this.#closing ??= this.#close(timeoutMs);
    return this.#closing;
  }

  async #close(timeoutMs: number): Promise<void> {
    if (this.#respawn) clearTimeout(this.#respawn);
    const worker = this.#worker;
    if (!worker || this.state === 'closed') return this.destroy();
    this.#state.set('closing');
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    try {
      await this.request({ type: 'close' } as DistributiveOmit<Request, 'id'>).catch(() => undefined);
      await exited;
    } finally {
      clearTimeout(timer);
      this.destroy();
    }
  }

  destroy(): void {
    if (this.#respawn) clearTimeout(this.#respawn);
    this.#respawn = null;
    const worker = this.#worker;
    this.#worker = null;
    this.#state.set('closed');
    if (worker) void worker.terminate();
    this.#rejectAll(`the ${this.name} is closed`);
  }

  #onMessage(message: IndexReply | IndexNotice<Stats>): void {
    if ('id' in message) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(this.#options.failure(message.error.message));
      return;
    }
    const o = this.#options;
    switch (message.type) {
      case 'building':
        return o.onBuilding?.(message.done, message.total);
      case 'ready':
        this.#stats = message.stats;
        this.#respawnDelayMs = 1000;
        if (this.state === 'building') this.#state.set('ready');
        return o.onReady?.(message.stats);
      case 'warning':
        return o.onWarning?.(message.message);
      case 'failed':
        if (this.#worker) this.#fail(this.#worker, message.message);
        return;
    }
  }

  /** A worker that died or could not build its index: pending requests fail and a new worker starts after a backoff. */
  #fail(worker: Worker, reason: string): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    void worker.terminate();
    if (this.state === 'closing' || this.state === 'closed') return;
    this.#state.set('failed', reason);
    this.#options.onWarning?.(`${reason}; restarting it in ${this.#respawnDelayMs / 1000} s`);
    this.#rejectAll(reason);
    this.#respawn = setTimeout(() => {
      this.#respawn = null;
      if (this.state === 'failed') this.#spawn();
    }, this.#respawnDelayMs);
    this.#respawn.unref();
    this.#respawnDelayMs = Math.min(this.#respawnDelayMs * 2, 30_000);
  }

  #rejectAll(reason: string): void {
    for (const pending of this.#pending.values()) pending.reject(this.#options.failure(reason));
    this.#pending.clear();
  }
}
