import { EVENT_TYPES, filterFromQuery } from '../../events';
import { VigilError } from '../../errors';
import type { HistoryFilter } from '../types';

const UNKNOWN = 'vigil.face.unknown';

/** An RFC 3339 time (or milliseconds since the epoch) from a query parameter; VIGIL_ERR_BAD_REQUEST naming it otherwise. */
export function parseTime(value: string | undefined, field: string, where: 'querystring' | 'body' = 'querystring'): number | null {
  if (value === undefined || value === '') return null;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${field}: an RFC 3339 time or milliseconds since the epoch`, { field: `${where}.${field}` });
  return ms;
}

export function parseBoolean(value: string | undefined, field: string): boolean | null {
  if (value === undefined) return null;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${field}: true or false`, { field: `querystring.${field}` });
}

/** `vigil.face.*` style prefixes as the types they stand for (the history stores known types only). Pure. */
export function expandTypes(types: ReadonlySet<string> | null): string[] | null {
  if (!types) return null;
  const out = EVENT_TYPES.filter((t) => types.has(t) || [...types].some((p) => p.endsWith('*') && t.startsWith(p.slice(0, -1))));
  return out;
}

/**
 * A stored-history filter from the query: camera, type and identity as the WebSocket's filter reads
 * them (same validation), `unknown=true` (unknown faces only), `from`/`to` (to exclusive). Pure.
 */
export function historyFilter(q: Record<string, string | undefined>, from: number | null): HistoryFilter {
  const params = new URLSearchParams();
  for (const key of ['camera', 'type', 'identity'] as const) if (q[key] !== undefined) params.set(key, q[key]);
  const parsed = filterFromQuery(params);
  if (!parsed.ok) throw new VigilError('VIGIL_ERR_BAD_REQUEST', parsed.error, { field: 'querystring' });
  const { cameras, types, identities } = parsed.filter;
  let typeList = expandTypes(types);
  if (parseBoolean(q.unknown, 'unknown')) typeList = (typeList ?? [...EVENT_TYPES]).filter((t) => t === UNKNOWN);
  const to = parseTime(q.to, 'to');
  if (from !== null && to !== null && to <= from) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'to: must be after from', { field: 'querystring.to' });
  return { cameras: cameras ? [...cameras] : null, types: typeList, identities: identities ? [...identities] : null, from, to };
}

/**
 * Which history a cursor pages: `run` (this run's events in memory: `{run, before}`, see
 * ../pagination) or `stored` (history.db: src/history's cursor, `{v, f, p}`). Only the shape is
 * read here; the scope's own decoder checks the rest. VIGIL_ERR_BAD_REQUEST for anything else. Pure.
 */
export function cursorScope(cursor: string): 'run' | 'stored' {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    body = null;
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.run === 'string' && typeof b.before === 'number') return 'run';
    if (b.v === 1 && typeof b.f === 'object' && typeof b.p === 'object') return 'stored';
  }
  throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: not a cursor this gateway gave (give `next` as it came)', { field: 'querystring.cursor' });
}
