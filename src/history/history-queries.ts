import type { Database } from '../storage';
import { EVENT_TYPES } from '../events';
import { mergeNewest, pageQueries, type HistoryFilter, type PagePosition } from './page-query';
import { COUNT_BUCKET_MS } from './schema';

export interface HistoryPage {
  /** The events' JSON as published, newest first. */
  readonly events: readonly string[];
  /** Where the next page starts, or null when this was the last. */
  readonly next: PagePosition | null;
}

export interface TimelineSeries {
  readonly camera: string;
  readonly type: string;
  /** Events per bucket, oldest bucket first. */
  readonly counts: number[];
}

export interface Timeline {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly series: TimelineSeries[];
}

/** Statements prepared once per distinct query text (a filter's shape), bounded. */
class StatementCache {
  readonly #db: Database.Database;
  readonly #cache = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get(sql: string): Database.Statement {
    let statement = this.#cache.get(sql);
    if (!statement) {
      if (this.#cache.size >= 256) this.#cache.delete(this.#cache.keys().next().value as string);
      statement = this.#db.prepare(sql);
      this.#cache.set(sql, statement);
    }
    return statement;
  }
}

/** The history's reads for the API: pages newest first (keyset, from indexes) and timeline counts. */
export class HistoryQueries {
  readonly #db: Database.Database;
  readonly #statements: StatementCache;
  readonly #json: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = new StatementCache(db);
    this.#json = db.prepare('SELECT id, json FROM events WHERE id IN (SELECT value FROM json_each(?))');
  }

  /** One page of events matching `filter`, newest first, after `position` (null: from the newest). */
  page(filter: HistoryFilter, position: PagePosition | null, limit: number): HistoryPage {
    const queries = pageQueries(filter, position, limit + 1, EVENT_TYPES);
    const lists = queries.map((q) => this.#statements.get(q.sql).all(...q.params) as PagePosition[]);
    const rows = mergeNewest(lists, limit + 1);
    const page = rows.slice(0, limit);
    const byId = new Map((this.#json.all(JSON.stringify(page.map((r) => r.id))) as { id: number; json: string }[]).map((r) => [r.id, r.json]));
    // A row deleted by retention between the two reads is left out of the page.
    const events = page.map((r) => byId.get(r.id)).filter((json): json is string => json !== undefined);
    const last = page[page.length - 1];
    return { events, next: rows.length > limit && last ? { time: last.time, id: last.id } : null };
  }

  /** Events per camera and type in `buckets` equal buckets over [from, to) (rounded out to the counts' 5-minute grain). */
  timeline(filter: { cameras: readonly string[] | null; types: readonly string[] | null }, from: number, to: number, buckets: number): Timeline {
    const start = Math.floor(from / COUNT_BUCKET_MS) * COUNT_BUCKET_MS;
    const end = Math.max(start + COUNT_BUCKET_MS, Math.ceil(to / COUNT_BUCKET_MS) * COUNT_BUCKET_MS);
    const grains = Math.ceil((end - start) / COUNT_BUCKET_MS / Math.max(1, buckets));
    const bucketMs = grains * COUNT_BUCKET_MS;
    const count = Math.ceil((end - start) / bucketMs);
    const where = ['bucket >= ?', 'bucket < ?'];
    const params: (string | number)[] = [start / COUNT_BUCKET_MS, end / COUNT_BUCKET_MS];
    if (filter.cameras) where.push(`camera IN (${filter.cameras.map(() => '?').join(', ')})`), params.push(...filter.cameras);
    if (filter.types) where.push(`type IN (${filter.types.map(() => '?').join(', ')})`), params.push(...filter.types);
    const rows = this.#statements.get(`SELECT camera, type, bucket, n FROM event_counts WHERE ${where.join(' AND ')} AND n > 0`).all(...params) as { camera: string; type: string; bucket: number; n: number }[];
    const series = new Map<string, TimelineSeries>();
    for (const row of rows) {
      const key = `${row.camera}\u0000${row.type}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { camera: row.camera, type: row.type, counts: new Array<number>(count).fill(0) }));
      const slot = Math.floor((row.bucket * COUNT_BUCKET_MS - start) / bucketMs);
      s.counts[slot] = (s.counts[slot] ?? 0) + row.n;
    }
    const ordered = [...series.values()].sort((a, b) => a.camera.localeCompare(b.camera) || a.type.localeCompare(b.type));
    return { from: start, to: start + count * bucketMs, bucketMs, series: ordered };
  }

  /** The plan SQLite makes for each of a page's queries (tests check no query sorts). */
  explain(filter: HistoryFilter, position: PagePosition | null, limit: number): string[] {
    return pageQueries(filter, position, limit + 1, EVENT_TYPES).map((q) =>
      (this.#db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail).join('; '),
    );
  }
}
