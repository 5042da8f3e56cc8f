import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { HistoryConfig } from '../config';
import { VigilError } from '../errors';
import type { Component } from '../lifecycle';
import { AppearanceSearch } from './appearance-search';
import { EventHistory, type EventHistoryOptions, type SnapshotFiles } from './event-history';
import { FaceSearch, type FaceSearchAnswer, type FaceSearchInput, type SearchModels } from './face-search';
import type { Timeline } from './history-queries';
import { decodeCursor, encodeCursor, type HistoryFilter, type PagePosition } from './page-query';

export interface HistoryOptions {
  readonly config: HistoryConfig;
  readonly dataDir: string;
  readonly snapshots: SnapshotFiles;
  readonly models: SearchModels;
  /** sha256 of the embedding model in use (the pool's), null before it started. */
  readonly embeddingModel: () => string | null;
  readonly logger: Logger;
  readonly metrics?: Pick<EventHistoryOptions, 'onWritten' | 'onDropped' | 'onDeleted' | 'onUsage'> & { readonly onSearch?: (ms: number) => void };
}

export interface HistoryPageAnswer {
  readonly events: unknown[];
  readonly nextCursor: string | null;
}

/**
 * The history stage as the gateway wires it: the stored events (a bus sink with retention), the
 * face search worker over their appearances, and the reads the API serves (pages by cursor,
 * timeline counts, search, an identity's last sighting).
 */
export class History implements Component<'idle' | 'running' | 'closed'> {
  readonly name = 'history';
  readonly events: EventHistory;
  readonly faceSearch: FaceSearch;
  readonly #options: HistoryOptions;
  #search: AppearanceSearch | null = null;
  #building: { done: number; total: number } | null = null;

  constructor(options: HistoryOptions) {
    this.#options = options;
    const { config, logger } = options;
    this.events = new EventHistory({ ...config, dataDir: options.dataDir, snapshots: options.snapshots, embeddingModel: options.embeddingModel, logger, ...options.metrics });
    this.faceSearch = new FaceSearch({
      store: () => this.events.store,
      index: () => this.#search,
      models: options.models,
      defaultMinSimilarity: config.search.minSimilarity,
      building: () => this.#building,
      ...(options.metrics?.onSearch && { onSearch: options.metrics.onSearch }),
    });
  }

  get state(): 'idle' | 'running' | 'closed' {
    return this.events.state;
  }

  /** The face search worker (null when search is off or the history not started). */
  get searchIndex(): AppearanceSearch | null {
    return this.#search;
  }

  /** Opens history.db and starts the face search worker for the embedding model in use. */
  async start(): Promise<void> {
    await this.events.start();
    await this.#startSearch();
  }

  /** The embedding model changed (a hot swap): the index is rebuilt for the new model's appearances. */
  async modelChanged(): Promise<void> {
    const model = this.#options.embeddingModel();
    if (this.#search && this.#search.model === model) return;
    await this.#search?.close();
    this.#search = null;
    await this.#startSearch();
  }

  async #startSearch(): Promise<void> {
    const { config, logger } = this.#options;
    const model = this.#options.embeddingModel();
    const store = this.events.store;
    if (!config.search.enabled || model === null || !store) return;
    const s = config.search;
    this.#search = new AppearanceSearch(
      {
        dbPath: store.path, model, quantization: s.quantization, expansionSearch: s.expansionSearch, expansionAdd: s.expansionAdd, persistIndex: s.persistIndex,
        buildThreads: s.buildThreads ?? Math.max(1, availableParallelism() - 1),
      },
      {
        onBuilding: (done, total) => {
          this.#building = { done, total };
          logger.info({ done, total }, 'face search index building');
        },
        onReady: (stats) => {
          this.#building = null;
          logger.info(stats, 'face search ready');
        },
        onWarning: (message) => logger.warn(message),
      },
    );
    await this.#search.start();
  }

  /** A page of stored events, newest first: from a filter, or from a cursor (which carries its filter). */
  page(request: { filter: HistoryFilter; cursor?: string | undefined; limit: number }): HistoryPageAnswer {
    const queries = this.events.queries;
    if (!queries) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
    let filter = request.filter;
    let position: PagePosition | null = null;
    if (request.cursor !== undefined) {
      const decoded = decodeCursor(request.cursor);
      if (!sameFilter(decoded.filter, filter)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: it was made for other filters; give the cursor alone, or the same filters', { field: 'querystring.cursor' });
      filter = decoded.filter;
      position = decoded.position;
    }
    const page = queries.page(filter, position, request.limit);
    return { events: page.events.map((json) => JSON.parse(json) as unknown), nextCursor: page.next ? encodeCursor(filter, page.next) : null };
  }

  event(eventId: string): unknown {
    const store = this.events.store;
    if (!store) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
    const stored = store.event(eventId) ?? this.#afterPendingWrites(() => store.event(eventId));
    if (!stored) throw new VigilError('VIGIL_ERR_EVENT_NOT_FOUND', `no stored event "${eventId}"`, { eventId });
    return JSON.parse(stored.json) as unknown;
  }

  /**
   * Events are written in batches a moment after they are published, so a dashboard acting on an
   * event it has just been sent (Find this face) could be told it does not exist: write what is
   * pending, then look again.
   */
  #afterPendingWrites<T>(look: () => T): T {
    this.events.flushNow();
    return look();
  }

  timeline(request: { cameras: readonly string[] | null; types: readonly string[] | null; from: number; to: number; buckets: number }): Timeline {
    const queries = this.events.queries;
    if (!queries) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
    return queries.timeline(request, request.from, request.to, request.buckets);
  }

  search(input: FaceSearchInput): Promise<FaceSearchAnswer> {
    if (input.eventId !== undefined && this.events.store?.event(input.eventId) == null) this.#afterPendingWrites(() => null);
    return this.faceSearch.search(input);
  }

  /** For /readyz: informational (a gateway without its history still serves cameras and events). */
  readiness(): { ready: true; informational: true; state: string; events: number | null; searchIndex: string | null; building: { done: number; total: number } | null } {
    return { ready: true, informational: true, state: this.state, events: this.events.store?.usage().events ?? null, searchIndex: this.#search?.state ?? null, building: this.#building };
  }

  lastSeen(identityId: string): { time: string; camera: string; eventId: string } | null {
    return this.events.store?.lastSeen(identityId) ?? null;
  }

  async close(timeoutMs = 10_000): Promise<void> {
    await this.#search?.close(timeoutMs);
    await this.events.close();
  }

  destroy(): void {
    this.#search?.destroy();
    this.events.destroy();
  }
}

const EMPTY: HistoryFilter = { cameras: null, types: null, identities: null, from: null, to: null };

/** A cursor's filter against the request's: no filter given, or the same one. */
function sameFilter(fromCursor: HistoryFilter, given: HistoryFilter): boolean {
  const canonical = (f: HistoryFilter): string => JSON.stringify([f.cameras && [...f.cameras].sort(), f.types && [...f.types].sort(), f.identities && [...f.identities].sort(), f.from, f.to]);
  return canonical(given) === canonical(EMPTY) || canonical(given) === canonical(fromCursor);
}
