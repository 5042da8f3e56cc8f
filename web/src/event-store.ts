import { RECOGNIZED, UNKNOWN, type FaceEventData, type VigilEvent } from './types.js';

/** No DOM here: the policy of the feed, tested in Node (test/unit/web). */

/** Filter value meaning "faces nobody is enrolled for". */
export const UNKNOWN_IDENTITY = '__unknown__';

export interface FeedFilter {
  /** Camera id, or null for any. */
  readonly camera: string | null;
  /** Identity id or name, UNKNOWN_IDENTITY, or null for any. */
  readonly identity: string | null;
}

export function isFaceEvent(event: VigilEvent): boolean {
  return event.type === RECOGNIZED || event.type === UNKNOWN;
}

export function faceData(event: VigilEvent): FaceEventData {
  return event.data as unknown as FaceEventData;
}

export function matchesFilter(event: VigilEvent, filter: FeedFilter): boolean {
  const data = faceData(event);
  if (filter.camera !== null && data.camera !== filter.camera) return false;
  if (filter.identity === null) return true;
  if (filter.identity === UNKNOWN_IDENTITY) return event.type === UNKNOWN;
  return event.type === RECOGNIZED && (data.identity?.id === filter.identity || data.identity?.name === filter.identity);
}

/**
 * The face events the page holds, newest first by capture time, at most `limit` (the oldest go),
 * each event once (by `source` + `id`, as the README says to deduplicate). Bounded, so a page left
 * open for days holds as much as one open for a minute.
 */
export class EventStore {
  readonly limit: number;
  #events: VigilEvent[] = [];
  readonly #keys = new Set<string>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.#events.length;
  }

  /** Adds a face event; false when it is a duplicate, not a face event, or too old to be kept. */
  add(event: VigilEvent): boolean {
    if (!isFaceEvent(event)) return false;
    const key = `${event.source ?? ''}|${event.id}`;
    if (this.#keys.has(key)) return false;
    const time = Date.parse(event.time);
    // Events almost always arrive newest: scan from the front for the first older one.
    let index = 0;
    while (index < this.#events.length && Date.parse(this.#events[index]!.time) > time) index += 1;
    if (index >= this.limit) return false;
    this.#events.splice(index, 0, event);
    this.#keys.add(key);
    while (this.#events.length > this.limit) {
      const dropped = this.#events.pop()!;
      this.#keys.delete(`${dropped.source ?? ''}|${dropped.id}`);
    }
    return true;
  }

  /** Up to `max` events matching `filter`, newest first. */
  matching(filter: FeedFilter, max: number): VigilEvent[] {
    const out: VigilEvent[] = [];
    for (const event of this.#events) {
      if (out.length >= max) break;
      if (matchesFilter(event, filter)) out.push(event);
    }
    return out;
  }
}

/** Where a resumed WebSocket picks up: the last event received and its gateway run. */
export interface ResumeCursor {
  readonly sequence: number;
  readonly run: string;
  /** Cluster mode: the last offset received per events-topic partition (from `vigilpos`); resumes on any gateway. */
  readonly positions?: Readonly<Record<string, number>>;
}

/** Advances the cursor with an event; events of another run (a restart) start a new cursor. */
export function advanceCursor(cursor: ResumeCursor | null, event: VigilEvent): ResumeCursor | null {
  if (typeof event.sequence !== 'number' || typeof event.vigilrun !== 'string') return cursor;
  const position = typeof event.vigilpos === 'string' ? /^(\d+):(\d+)$/.exec(event.vigilpos) : null;
  if (position) {
    // Cluster mode: events of every gateway run interleave; the topic offsets are the cursor.
    const [, partition = '', offset = ''] = position;
    const positions = { ...cursor?.positions };
    if ((positions[partition] ?? -1) < Number(offset)) positions[partition] = Number(offset);
    return { sequence: event.sequence, run: event.vigilrun, positions };
  }
  if (cursor && cursor.run === event.vigilrun && cursor.sequence >= event.sequence) return cursor;
  return { sequence: event.sequence, run: event.vigilrun };
}

/** The WebSocket URL's query: the types the page wants and, when resuming, `since` + `run`. Never a token. */
export function eventStreamQuery(types: readonly string[], cursor: ResumeCursor | null): string {
  const params = new URLSearchParams();
  if (types.length > 0) params.set('type', types.join(','));
  if (cursor?.positions) {
    params.set('position', Object.entries(cursor.positions).map(([p, o]) => `${p}:${o}`).join(','));
  } else if (cursor) {
    params.set('since', String(cursor.sequence));
    params.set('run', cursor.run);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Reconnect delay: 0.5 s doubling to 10 s, with full jitter (`random` in [0, 1)) but never under 250 ms. */
export function reconnectDelayMs(attempt: number, random: number): number {
  const cap = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.max(250, Math.floor(cap * random));
}

/** Analysis frames per second between two readings of a camera's `framesAnalyzed`; null when unknown. */
export function rate(previous: { count: number; at: number } | undefined, count: number, at: number): number | null {
  if (!previous || at <= previous.at || count < previous.count) return null;
  return ((count - previous.count) * 1000) / (at - previous.at);
}

/** "0.58" for a similarity, "" when there is none. */
export function formatSimilarity(value: number | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : '';
}
