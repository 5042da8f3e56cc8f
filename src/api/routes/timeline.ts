import type { FastifyInstance } from 'fastify';
import '../types';
import { VigilError } from '../../errors';
import type { HistoryControl } from '../types';
import { historyFilter, parseTime } from './history-params';

const DAY_MS = 86_400_000;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    camera: { type: 'string', maxLength: 4096, description: 'camera ids, comma-separated' },
    type: { type: 'string', maxLength: 4096, description: 'event types, comma-separated; "vigil.face.*" prefixes allowed' },
    unknown: { type: 'string', enum: ['true', 'false', '1', '0'], description: 'true: unknown faces only' },
    from: { type: 'string', maxLength: 64, description: 'start (RFC 3339 or ms since the epoch); default: 24 hours before to' },
    to: { type: 'string', maxLength: 64, description: 'end (exclusive); default: now' },
    buckets: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'how many buckets, 1-2000 (default 96); each a multiple of 5 minutes' },
  },
} as const;

export const timelineSchema = {
  type: 'object',
  required: ['from', 'to', 'bucketMs', 'series'],
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    bucketMs: { type: 'integer' },
    series: {
      type: 'array',
      items: { type: 'object', required: ['camera', 'type', 'counts'], properties: { camera: { type: 'string' }, type: { type: 'string' }, counts: { type: 'array', items: { type: 'integer' } } } },
    },
  },
} as const;

/** `GET /v1/events/timeline`: stored events per camera and type in time buckets (the history view's timeline). */
export function timelineRoute(app: FastifyInstance, deps: { history?: HistoryControl | null | undefined }): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/v1/events/timeline',
    { config: { role: 'viewer' }, schema: { summary: 'stored events per camera and type in time buckets', tags: ['events'], querystring: querySchema, response: { 200: timelineSchema } } },
    async (request) => {
      if (!deps.history) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
      const q = request.query;
      const to = parseTime(q.to, 'to') ?? Date.now();
      const from = parseTime(q.from, 'from') ?? to - DAY_MS;
      if (to <= from) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'to: must be after from', { field: 'querystring.to' });
      const buckets = q.buckets === undefined ? 96 : Number(q.buckets);
      if (buckets < 1 || buckets > 2000) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'buckets: 1-2000', { field: 'querystring.buckets' });
      const filter = historyFilter({ camera: q.camera, type: q.type, unknown: q.unknown }, null);
      const timeline = deps.history.timeline({ cameras: filter.cameras, types: filter.types, from, to, buckets });
      return { from: new Date(timeline.from).toISOString(), to: new Date(timeline.to).toISOString(), bucketMs: timeline.bucketMs, series: timeline.series };
    },
  );
}
