import type { FastifyInstance } from 'fastify';
import '../types';
import { filterFromQuery, type WebSocketHub } from '../../events';
import { VigilError } from '../../errors';
import type { HistoryControl } from '../types';
import { decodeCursor, encodeCursor, parseLimit } from '../pagination';
import { cursorScope, historyFilter, parseTime } from './history-params';
import { timelineRoute } from './timeline';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    camera: { type: 'string', maxLength: 4096, description: 'camera ids, comma-separated' },
    type: { type: 'string', maxLength: 4096, description: 'event types, comma-separated; "vigil.face.*" prefixes allowed' },
    identity: { type: 'string', maxLength: 4096, description: 'identity ids or names, comma-separated' },
    since: { type: 'string', maxLength: 64, description: 'a sequence number (events of this run after it) or an RFC 3339 time (events at or after it; with scope=stored, as from)' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'most events returned, default 100, at most 1000 (scope=run: the newest are kept; scope=stored: one page)' },
    scope: { type: 'string', enum: ['run', 'stored'], description: 'run (default): recent events of this run from memory, newest last; stored: the stored history of every run, newest first. A cursor is of one scope (a contradicting scope is refused); from, to and unknown imply stored' },
    cursor: { type: 'string', maxLength: 16384, description: "the previous answer's `next`: the page of older events (same filters; a stored cursor carries its filters, so it may come alone)" },
    from: { type: 'string', maxLength: 64, description: 'stored events at or after this time (RFC 3339 or ms since the epoch)' },
    to: { type: 'string', maxLength: 64, description: 'stored events before this time' },
    unknown: { type: 'string', enum: ['true', 'false', '1', '0'], description: 'true: unknown faces only (vigil.face.unknown)' },
  },
} as const;

const responseSchema = {
  type: 'object',
  properties: {
    events: { type: 'array', items: { type: 'object', additionalProperties: true } },
    sequence: { type: 'integer', description: 'the newest sequence of this run so far' },
    run: { type: 'string' },
    scope: { type: 'string', enum: ['run', 'stored'] },
    next: { type: ['string', 'null'], description: 'cursor of the page of older matching events (of the same scope); null when there are none' },
    nextCursor: { type: ['string', 'null'], description: 'scope=stored: the same as next (its earlier name, kept)' },
  },
} as const;

/** Parameters only the stored history answers. */
const STORED_ONLY = ['from', 'to', 'unknown'] as const;

/**
 * `GET /v1/events`: recent events of this run from the WebSocket hub's memory, or with
 * `scope=stored` (implied by from, to, unknown, or a stored cursor) the stored history, newest
 * first. Both page back by cursor (`next`); the cursor says which of the two it pages.
 */
export function eventRoutes(app: FastifyInstance, deps: { hub: WebSocketHub; history?: HistoryControl | null | undefined }): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/v1/events',
    { config: { role: 'viewer' }, schema: { summary: 'recent or stored events (WebSocket upgrade on the same path streams them)', tags: ['events'], querystring: querySchema, response: { 200: responseSchema } } },
    async (request) => {
      const q = request.query;
      const ofCursor = q.cursor === undefined ? null : cursorScope(q.cursor);
      if (ofCursor && q.scope !== undefined && q.scope !== ofCursor) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `scope: the cursor pages scope=${ofCursor}; give it alone or with scope=${ofCursor}`, { field: 'querystring.scope' });
      const storedParam = STORED_ONLY.find((key) => q[key] !== undefined);
      const scope = q.scope ?? ofCursor ?? (storedParam ? 'stored' : 'run');
      if (scope === 'run' && storedParam) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${storedParam}: only with scope=stored`, { field: `querystring.${storedParam}` });
      return scope === 'stored' ? stored(q, deps) : recent(q, deps.hub);
    },
  );
  timelineRoute(app, deps);
  app.get<{ Params: { id: string } }>(
    '/v1/events/:id',
    { config: { role: 'viewer' }, schema: { summary: 'one stored event, as published', tags: ['events'], params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } }, response: { 200: { type: 'object', additionalProperties: true } } } },
    async (request) => {
      if (!deps.history) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
      return deps.history.event(request.params.id);
    },
  );
}

/** This run's events from memory, newest last; a page of older ones before a run cursor. */
function recent(q: Record<string, string | undefined>, hub: WebSocketHub): unknown {
  const params = new URLSearchParams();
  for (const key of ['camera', 'type', 'identity'] as const) if (q[key] !== undefined) params.set(key, q[key]);
  const filter = filterFromQuery(params);
  if (!filter.ok) throw new VigilError('VIGIL_ERR_BAD_REQUEST', filter.error, { field: 'querystring' });
  const options: { sinceSequence?: number; sinceTime?: number; beforeSequence?: number; limit: number } = { limit: parseLimit(q.limit, 100) };
  if (q.cursor !== undefined) {
    const { run, before } = decodeCursor<{ run: string; before: number }>(q.cursor, { run: 'string', before: 'number' });
    // Sequences restart with each run: a cursor of an earlier run points at nothing here.
    if (run !== hub.run) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: from an earlier run of the gateway (it restarted); start again without a cursor', { field: 'querystring.cursor' });
    options.beforeSequence = before;
  }
  if (q.since !== undefined) {
    if (/^\d{1,15}$/.test(q.since)) options.sinceSequence = Number(q.since);
    else {
      const time = Date.parse(q.since);
      if (Number.isNaN(time)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'since: a sequence number or an RFC 3339 time', { field: 'querystring.since' });
      options.sinceTime = time;
    }
  }
  const { truncated, ...page } = hub.recent(filter.filter, options);
  const oldest = page.events[0];
  return { ...page, scope: 'run', next: truncated && oldest ? encodeCursor({ run: page.run, before: oldest.sequence }) : null };
}

function stored(q: Record<string, string | undefined>, deps: { hub: WebSocketHub; history?: HistoryControl | null | undefined }): unknown {
  if (!deps.history) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
  if (q.since !== undefined && /^\d{1,15}$/.test(q.since)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'since: a sequence reads this run\'s events (scope=run); for stored events give from/to', { field: 'querystring.since' });
  if (q.since !== undefined && q.from !== undefined) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'since: give from or since, not both', { field: 'querystring.since' });
  const from = parseTime(q.from ?? q.since, q.from !== undefined ? 'from' : 'since');
  const filter = historyFilter(q, from);
  const page = deps.history.page({ filter, cursor: q.cursor, limit: parseLimit(q.limit, 100) });
  const { sequence, run } = deps.hub.position();
  return { events: page.events, sequence, run, scope: 'stored', next: page.nextCursor, nextCursor: page.nextCursor };
}
