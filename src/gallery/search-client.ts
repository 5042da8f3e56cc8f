import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { VigilError } from '../errors';
import { StateHolder, type Component, type StateChange } from '../lifecycle';
import { WORKERS_DIR } from '../config';
import type { GallerySearchSettings, SearchNotice, SearchReply, SearchRequest, SearchStats } from '../../workers/gallery-search/protocol';
import type { Candidate } from './search';

export type { GallerySearchSettings, SearchStats as GallerySearchStats } from '../../workers/gallery-search/protocol';

/** `building` until the worker loaded or built the index; searches made meanwhile wait for it. */
export type GallerySearchState = 'idle' | 'building' | 'ready' | 'closing' | 'closed' | 'failed';

export interface GallerySearchHooks {
  readonly onBuilding?: (done: number, total: number) => void;
  readonly onReady?: (stats: SearchStats) => void;
  readonly onWarning?: (message: string) => void;
}

/** Searches waiting for the worker, at most: each camera has one frame in flight, so this is never near in practice. */
const MAX_PENDING = 4096;

type Pending = { resolve: (reply: SearchReply & { ok: true }) => void; reject: (error: VigilError) => void };

/**
 * The gallery's search, off the event loop: a worker thread owns the face index and answers
 * searches in order. The thread follows the database by itself (it reads gallery.db's change log
 * before every search), so writes through any connection are seen by the next search.
 */
export class GallerySearch implements Component<GallerySearchState> {
  readonly name = 'gallery-search';
  readonly #settings: GallerySearchSettings;
  readonly #hooks: GallerySearchHooks;
  readonly #state = new StateHolder<GallerySearchState>('idle');
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | null = null;
  #nextId = 1;
  #stats: SearchStats | null = null;
  #closing: Promise<void> | null = null;
  #respawn: NodeJS.Timeout | null = null;
  #respawnDelayMs = 1000;

  constructor(settings: GallerySearchSettings, hooks: GallerySearchHooks = {}) {
    this.#settings = settings;
    this.#hooks = hooks;
  }

  get state(): GallerySearchState {
    return this.#state.state;
  }

  /** What the index reported when it became ready (null before). */
  get readyStats(): SearchStats | null {
    return this.#stats;
  }

  onChange(listener: (change: StateChange<GallerySearchState>) => void): () => void {
    return this.#state.onChange(listener);
  }

  /** Starts the worker; resolves at once (a large index builds in the background, searches wait for it). */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.#spawn();
  }

  #spawn(): void {
    const worker = new Worker(join(WORKERS_DIR, 'gallery-search-worker.js'), { workerData: this.#settings });
    this.#worker = worker;
    this.#state.set('building');
    worker.on('message', (message: SearchReply | SearchNotice) => this.#onMessage(message));
    worker.on('error', (error) => this.#fail(worker, `the gallery search worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#fail(worker, `the gallery search worker exited (code ${code})`));
  }

  /** The k identities most similar to `query`, best first, with `topK`'s semantics (negatives included). */
  async search(query: Float32Array, k: number): Promise<Candidate[]> {
    const reply = await this.#request({ type: 'search', query, k });
    return reply.candidates ?? [];
  }

  /** Asks the worker to catch up with the database now instead of at the next search. */
  sync(): void {
    if (this.#worker && (this.state === 'building' || this.state === 'ready')) this.#request({ type: 'sync' }).catch(() => undefined);
  }

  async stats(): Promise<SearchStats> {
    const reply = await this.#request({ type: 'stats' });
    return reply.stats as SearchStats;
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
      await this.#request({ type: 'close' }).catch(() => undefined);
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
    this.#rejectAll('the gallery search is closed');
  }

  #request(body: DistributiveOmit<SearchRequest, 'id'>): Promise<SearchReply & { ok: true }> {
    const worker = this.#worker;
    const open = this.state === 'building' || this.state === 'ready' || (this.state === 'closing' && body.type === 'close');
    if (!worker || !open) {
      return Promise.reject(new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', `the gallery search is ${this.state}`));
    }
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', `${MAX_PENDING} gallery searches already waiting`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ ...body, id } as SearchRequest);
    });
  }

  #onMessage(message: SearchReply | SearchNotice): void {
    if ('id' in message) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message);
      else pending.reject(new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', message.error.message));
      return;
    }
    switch (message.type) {
      case 'building':
        return this.#hooks.onBuilding?.(message.done, message.total);
      case 'ready':
        this.#stats = message.stats;
        this.#respawnDelayMs = 1000;
        if (this.state === 'building') this.#state.set('ready');
        return this.#hooks.onReady?.(message.stats);
      case 'warning':
        return this.#hooks.onWarning?.(message.message);
      case 'failed':
        if (this.#worker) this.#fail(this.#worker, message.message);
        return;
    }
  }

  /**
   * A worker that died or could not build its index: pending searches fail (the recognizer reports
   * them as failed steps) and a new worker starts after a delay doubling up to 30 s, which resets
   * once one becomes ready.
   */
  #fail(worker: Worker, reason: string): void {
    if (worker !== this.#worker) return;
    this.#worker = null;
    void worker.terminate();
    if (this.state === 'closing' || this.state === 'closed') return;
    this.#state.set('failed', reason);
    this.#hooks.onWarning?.(`${reason}; restarting it in ${this.#respawnDelayMs / 1000} s`);
    this.#rejectAll(reason);
    this.#respawn = setTimeout(() => {
      this.#respawn = null;
      if (this.state === 'failed') this.#spawn();
    }, this.#respawnDelayMs);
    this.#respawn.unref();
    this.#respawnDelayMs = Math.min(this.#respawnDelayMs * 2, 30_000);
  }

  #rejectAll(reason: string): void {
    for (const pending of this.#pending.values()) pending.reject(new VigilError('VIGIL_ERR_GALLERY_SEARCH_FAILED', reason));
    this.#pending.clear();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
