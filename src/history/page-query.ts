import { VigilError } from '../errors';

/** What a history page is filtered on; null: any. Identities match an id or a name. */
export interface HistoryFilter {
  readonly cameras: readonly string[] | null;
  readonly types: readonly string[] | null;
  readonly identities: readonly string[] | null;
  /** ms since the epoch: at or after `from`, before `to`. */
  readonly from: number | null;
  readonly to: number | null;
}

/** The last row of a page: the next page starts after it, newest first by (time, id). */
export interface PagePosition {
  readonly time: number;
  readonly id: number;
}

export interface SubQuery {
  readonly sql: string;
  readonly params: readonly (string | number)[];
}

/** Pairs of (camera, type) asked one by one at most; more and the time index is walked with the filter applied. */
const MAX_PAIRS = 64;

/**
 * The queries that read one page (pure). Each reads `(id, time)` newest first from one index in
 * its order, starting after `position`, at most `take` rows: the caller merges them and keeps the
 * newest `take`. No query ever sorts: a page costs the rows it returns (plus those a residual
 * filter skips), not the rows that match, whatever the table holds. Which index drives:
 * identities (each value, as id and as name), else camera and type pairs, else types, else time.
 * `allTypes` are the types that can be stored (to pair a camera with each).
 */
export function pageQueries(filter: HistoryFilter, position: PagePosition | null, take: number, allTypes: readonly string[]): SubQuery[] {
  const range: string[] = [];
  const rangeParams: (string | number)[] = [];
  if (filter.from !== null) range.push('time >= ?'), rangeParams.push(filter.from);
  if (filter.to !== null) range.push('time < ?'), rangeParams.push(filter.to);
  if (position) range.push('(time, id) < (?, ?)'), rangeParams.push(position.time, position.id);
  const build = (index: string, where: string[], params: (string | number)[]): SubQuery => ({
    sql: `SELECT id, time FROM events INDEXED BY ${index} WHERE ${[...where, ...range].join(' AND ') || '1'} ORDER BY time DESC, id DESC LIMIT ?`,
    params: [...params, ...rangeParams, take],
  });
  const inList = (column: string, values: readonly string[]): string => `${column} IN (${values.map(() => '?').join(', ')})`;
  const residual = (skip: 'camera' | 'type' | 'none'): { where: string[]; params: string[] } => {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.cameras && skip !== 'camera') where.push(inList('camera', filter.cameras)), params.push(...filter.cameras);
    if (filter.types && skip !== 'type') where.push(inList('type', filter.types)), params.push(...filter.types);
    return { where, params };
  };
  if (filter.identities) {
    const rest = residual('none');
    return filter.identities.flatMap((value) => [
      build('events_by_identity', ['identity_id = ?', ...rest.where], [value, ...rest.params]),
      build('events_by_identity_name', ['identity_name = ?', ...rest.where], [value, ...rest.params]),
    ]);
  }
  if (filter.cameras) {
    const types = filter.types ?? allTypes;
    if (filter.cameras.length * types.length <= MAX_PAIRS) {
      return filter.cameras.flatMap((camera) => types.map((type) => build('events_by_camera_type', ['camera = ?', 'type = ?'], [camera, type])));
    }
    const rest = residual('none');
    return [build('events_by_time', rest.where, rest.params)];
  }
  if (filter.types) return filter.types.map((type) => build('events_by_type', ['type = ?'], [type]));
  return [build('events_by_time', [], [])];
}

/** The newest `take` of the sub-queries' rows (each newest first), without duplicates (pure). */
export function mergeNewest(lists: readonly (readonly PagePosition[])[], take: number): PagePosition[] {
  const seen = new Set<number>();
  const all: PagePosition[] = [];
  for (const list of lists) {
    for (const row of list) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      all.push(row);
    }
  }
  all.sort((a, b) => b.time - a.time || b.id - a.id);
  return all.slice(0, take);
}

interface CursorBody {
  readonly v: 1;
  readonly f: HistoryFilter;
  readonly p: PagePosition;
}

/** An opaque cursor: the filter and where the page ended (base64url JSON; not a secret, not a promise of format). */
export function encodeCursor(filter: HistoryFilter, position: PagePosition): string {
  const body: CursorBody = { v: 1, f: filter, p: position };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

const list = (value: unknown): value is readonly string[] | null => value === null || (Array.isArray(value) && value.length <= 256 && value.every((v) => typeof v === 'string' && v.length <= 128));
const time = (value: unknown): value is number | null => value === null || (typeof value === 'number' && Number.isSafeInteger(value));

/** Back from encodeCursor; a cursor that was not made by it is VIGIL_ERR_BAD_REQUEST. */
export function decodeCursor(cursor: string): { filter: HistoryFilter; position: PagePosition } {
  const bad = (): VigilError => new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: not a cursor this gateway gave (use nextCursor as it came)', { field: 'querystring.cursor' });
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw bad();
  }
  const f = body?.f;
  const p = body?.p;
  if (body?.v !== 1 || !f || !p || !list(f.cameras) || !list(f.types) || !list(f.identities) || !time(f.from) || !time(f.to)) throw bad();
  if (!Number.isSafeInteger(p.time) || !Number.isSafeInteger(p.id)) throw bad();
  return { filter: { cameras: f.cameras, types: f.types, identities: f.identities, from: f.from, to: f.to }, position: { time: p.time, id: p.id } };
}
