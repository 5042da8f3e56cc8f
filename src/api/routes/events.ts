import type { FastifyInstance } from 'fastify';
import '../types';
import { filterFromQuery, type WebSocketHub } from '../../events';
import { VigilError } from '../../errors';
import { decodeCursor, encodeCursor, parseLimit } from '../pagination';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    camera: { type: 'string', maxLength: 4096, description: 'camera ids, comma-separated' },
    type: { type: 'string', maxLength: 4096, description: 'event types, comma-separated; "vigil.face.*" prefixes allowed' },
    identity: { type: 'string', maxLength: 4096, description: 'identity ids or names, comma-separated' },
    since: { type: 'string', maxLength: 64, description: 'a sequence number (events after it) or an RFC 3339 time (events at or after it)' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'most events returned (newest kept), default 100, at most 1000' },
    cursor: { type: 'string', maxLength: 256, description: "the previous answer's `next`: the page of older events before it (same filters)" },
  },
} as const;

const responseSchema = {
  type: 'object',
  properties: {
    events: { type: 'array', items: { type: 'object', additionalProperties: true } },
    sequence: { type: 'integer', description: 'the newest sequence of this run so far' },
    run: { type: 'string' },
    next: { type: ['string', 'null'], description: 'cursor of the page of older matching events; null when there are none' },
  },
} as const;

/** Recent events from the WebSocket hub's history (this run only), newest last. */
export function eventRoutes(app: FastifyInstance, deps: { hub: WebSocketHub }): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/v1/events',
    { config: { role: 'viewer' }, schema: { summary: 'recent events (WebSocket upgrade on the same path streams them)', tags: ['events'], querystring: querySchema, response: { 200: responseSchema } } },
    async (request) => {
      const q = request.query;
      const params = new URLSearchParams();
      for (const key of ['camera', 'type', 'identity'] as const) if (q[key] !== undefined) params.set(key, q[key]);
      const filter = filterFromQuery(params);
      if (!filter.ok) throw new VigilError('VIGIL_ERR_BAD_REQUEST', filter.error, { field: 'querystring' });
      const limit = parseLimit(q.limit, 100);
      const options: { sinceSequence?: number; sinceTime?: number; beforeSequence?: number; limit: number } = { limit };
      if (q.cursor !== undefined) {
        const { run, before } = decodeCursor<{ run: string; before: number }>(q.cursor, { run: 'string', before: 'number' });
        // Sequences restart with each run: a cursor of an earlier run points at nothing here.
        if (run !== deps.hub.run) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'cursor: from an earlier run of the gateway (it restarted); start again without a cursor', { field: 'querystring.cursor' });
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
      const { truncated, ...page } = deps.hub.recent(filter.filter, options);
      const oldest = page.events[0];
      return { ...page, next: truncated && oldest ? encodeCursor({ run: page.run, before: oldest.sequence }) : null };
    },
  );
}
