import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { EventSink, PublishedEvent } from '../events';
import { isVigilError } from '../errors';
import { StateHolder, type Component } from '../lifecycle';
import { APPEARANCE_TYPES } from './event-record';
import { HistoryStore, type HistoryUsage, type StoredInput } from './history-store';
import { HistoryQueries } from './history-queries';
import { deleteOldest, dropEmptyCounts, oldestTime, retentionStep, sizeChunk } from './retention';

export type HistoryState = 'idle' | 'running' | 'closed';

/** What the history needs of the snapshot files (src/imaging's SnapshotStore). */
export interface SnapshotFiles {
  bytesOf(id: string): number | null;
  remove(ids: Iterable<string>): void;
  /** Deletes snapshot files past their age (those no stored event references are only bounded so). */
  prune(): number;
}

export interface EventHistoryOptions {
  readonly dataDir: string;
  readonly maxAgeDays: number;
  readonly maxBytes: number;
  readonly types: readonly string[];
  readonly flushIntervalMs: number;
  readonly maxPendingEvents: number;
  readonly retentionIntervalMs: number;
  readonly snapshots: SnapshotFiles;
  /** sha256 of the embedding model in use: recorded with each stored embedding. */
  readonly embeddingModel: () => string | null;
  readonly logger: Logger;
  readonly onWritten?: (events: number, ms: number) => void;
  readonly onDropped?: (reason: string, count: number) => void;
  readonly onDeleted?: (reason: 'age' | 'size', count: number) => void;
  readonly onUsage?: (usage: HistoryUsage) => void;
}

/** Events written per transaction: a large backlog is written in several turns of the event loop. */
const WRITE_BATCH = 2000;
/** Tracks' embeddings waiting for their event (the recognizer records one just before it publishes). */
const MAX_WAITING_EMBEDDINGS = 4096;

/**
 * The stored event history: a sink on the event bus that keeps events (and, for face answers,
 * their track's embedding) in history.db, surviving restarts, bounded by age and size with the
 * snapshot files they reference. `publish` only queues (bounded; the oldest waiting are dropped
 * and counted beyond `maxPendingEvents`); writes happen in batches, one transaction each, on a
 * timer, so no event's turn of the event loop waits for the disk. Retention runs at start and
 * every `retentionIntervalMs`, a chunk per turn.
 */
export class EventHistory implements EventSink, Component<HistoryState> {
  readonly name = 'history';
  readonly #options: EventHistoryOptions;
  readonly #types: ReadonlySet<string>;
  readonly #state = new StateHolder<HistoryState>('idle');
  readonly #embeddings = new Map<string, { vector: Float32Array; model: string }>();
  #store: HistoryStore | null = null;
  #queries: HistoryQueries | null = null;
  #queue: StoredInput[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #retentionTimer: NodeJS.Timeout | null = null;
  #retention: Promise<void> | null = null;

  constructor(options: EventHistoryOptions) {
    this.#options = options;
    this.#types = new Set(options.types);
  }

  get state(): HistoryState {
    return this.#state.state;
  }

  /** The open store (null before start and after close). */
  get store(): HistoryStore | null {
    return this.#store;
  }

  get queries(): HistoryQueries | null {
    return this.#queries;
  }

  /** Opens history.db (VIGIL_ERR_HISTORY_UNAVAILABLE otherwise) and starts retention. */
  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.#store = HistoryStore.open(this.#options.dataDir);
    this.#queries = new HistoryQueries(this.#store.db);
    this.#state.set('running');
    this.#report();
    this.#retentionTimer = setInterval(() => void this.runRetention(), this.#options.retentionIntervalMs).unref();
    void this.runRetention();
  }

  /** A track's aggregate embedding, recorded just before its recognized/unknown event is published. */
  noteEmbedding(trackId: string, vector: Float32Array): void {
    const model = this.#options.embeddingModel();
    if (model === null || this.state !== 'running') return;
    this.#embeddings.delete(trackId);
    this.#embeddings.set(trackId, { vector, model });
    if (this.#embeddings.size > MAX_WAITING_EMBEDDINGS) this.#embeddings.delete(this.#embeddings.keys().next().value as string);
  }

  publish(published: PublishedEvent): void {
    const { event } = published;
    if (!this.#types.has(event.type) || this.state !== 'running') return;
    let embedding: StoredInput['embedding'];
    if (APPEARANCE_TYPES.has(event.type)) {
      const trackId = (event.data as { trackId?: unknown } | null)?.trackId;
      if (typeof trackId === 'string') {
        embedding = this.#embeddings.get(trackId);
        this.#embeddings.delete(trackId);
      }
    }
    this.#queue.push({ event, json: published.json, embedding });
    if (this.#queue.length > this.#options.maxPendingEvents) {
      this.#queue.shift();
      this.#options.onDropped?.('queue_full', 1);
    }
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.flushIntervalMs);
  }

  /** Writes what is queued now, in batches (close, and a lookup of an event just published). */
  flushNow(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    while (this.#queue.length > 0 && this.#store) this.#writeBatch();
  }

  #flush(): void {
    this.#flushTimer = null;
    if (!this.#store) return;
    this.#writeBatch();
    // A backlog is written a batch per turn, so other work runs between the transactions.
    if (this.#queue.length > 0) this.#flushTimer = setTimeout(() => this.#flush(), 0);
  }

  #writeBatch(): void {
    const store = this.#store as HistoryStore;
    const batch = this.#queue.splice(0, WRITE_BATCH);
    const t0 = performance.now();
    try {
      const written = store.insert(batch, (id) => this.#options.snapshots.bytesOf(id));
      this.#options.onWritten?.(written, performance.now() - t0);
    } catch (error) {
      this.#options.onDropped?.('io', batch.length);
      this.#options.logger.error({ err: isVigilError(error) ? error.toJSON() : String(error), events: batch.length }, 'history write failed; these events are not stored');
    }
  }

  /** Deletes what is past the age and size bounds, a chunk per turn; one run at a time. */
  runRetention(now: () => number = Date.now): Promise<void> {
    this.#retention ??= this.#retain(now).finally(() => (this.#retention = null));
    return this.#retention;
  }

  async #retain(now: () => number): Promise<void> {
    const deleted = { age: 0, size: 0 };
    const limits = { maxAgeMs: this.#options.maxAgeDays * 86_400_000, maxBytes: this.#options.maxBytes };
    try {
      this.#options.snapshots.prune();
      for (;;) {
        const store = this.#store;
        if (!store || this.state !== 'running') return;
        const usage = store.usage();
        const step = retentionStep(usage, oldestTime(store.db), now(), limits);
        if (!step) break;
        const { deleted: n, freedSnapshots } = step.kind === 'age' ? deleteOldest(store.db, step.before) : deleteOldest(store.db, null, sizeChunk(usage, limits.maxBytes));
        if (n === 0) break;
        this.#options.snapshots.remove(freedSnapshots);
        deleted[step.kind] += n;
        this.#options.onDeleted?.(step.kind, n);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (deleted.age + deleted.size > 0 && this.#store) {
        dropEmptyCounts(this.#store.db);
        this.#options.logger.info({ deletedForAge: deleted.age, deletedForSize: deleted.size, ...this.#store.usage() }, 'history retention deleted the oldest events');
      }
      this.#report();
    } catch (error) {
      this.#options.logger.error({ err: String(error) }, 'history retention failed; it runs again later');
    }
  }

  #report(): void {
    if (this.#store) this.#options.onUsage?.(this.#store.usage());
  }

  /** Writes what is queued, then closes the database. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    if (this.state === 'running') {
      this.#state.set('closed');
      await this.#retention?.catch(() => undefined);
      this.flushNow();
    }
    this.destroy();
  }

  destroy(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    if (this.#retentionTimer) clearInterval(this.#retentionTimer);
    this.#flushTimer = null;
    this.#retentionTimer = null;
    this.#state.set('closed');
    this.#queue = [];
    this.#store?.close();
    this.#store = null;
    this.#queries = null;
  }
}
