import type { FastifyInstance } from 'fastify';
import '../types';
import { filterFromQuery, type WebSocketHub } from '../../events';
import { VigilError } from '../../errors';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    camera: { type: 'string', maxLength: 4096, description: 'camera ids, comma-separated' },
    type: { type: 'string', maxLength: 4096, description: 'event types, comma-separated; "vigil.face.*" prefixes allowed' },
    identity: { type: 'string', maxLength: 4096, description: 'identity ids or names, comma-separated' },
    since: { type: 'string', maxLength: 64, description: 'a sequence number (events after it) or an RFC 3339 time (events at or after it)' },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'most events returned (newest kept), default 100, at most 1000' },
  },
} as const;

const responseSchema = {
  type: 'object',
  properties: {
    events: { type: 'array', items: { type: 'object', additionalProperties: true } },
    sequence: { type: 'integer', description: 'the newest sequence of this run so far' },
    run: { type: 'string' },
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
      const limit = q.limit === undefined ? 100 : Number(q.limit);
      if (limit < 1 || limit > 1000) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'limit: must be 1-1000', { field: 'querystring.limit' });
      const options: { sinceSequence?: number; sinceTime?: number; limit: number } = { limit };
      if (q.since !== undefined) {
        if (/^\d{1,15}$/.test(q.since)) options.sinceSequence = Number(q.since);
        else {
          const time = Date.parse(q.since);
          if (Number.isNaN(time)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'since: a sequence number or an RFC 3339 time', { field: 'querystring.since' });
          options.sinceTime = time;
        }
      }
      return deps.hub.recent(filter.filter, options);
    },
  );
}
