import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../errors';
import { idParams } from '../schemas';
import type { WebhookControl } from '../types';

const int = (minimum: number, maximum: number) => ({ type: 'integer', minimum, maximum }) as const;

/** What POST /v1/webhooks takes: the streams file's webhook keys, minus the ones the file alone decides (journal, allowPrivateTargets). */
const webhookCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
    url: { type: 'string', minLength: 1, maxLength: 2048, description: 'http or https; redirects are never followed' },
    secret: { type: 'string', minLength: 16, maxLength: 512, description: 'HMAC key; omitted: one is generated and returned once' },
    types: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 128 } },
    cameras: { type: 'array', minItems: 1, maxItems: 256, items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' } },
    mode: { type: 'string', enum: ['structured', 'binary'] },
    timeoutMs: int(100, 120_000),
    retryDelayMs: int(10, 60_000),
    retryDelayMaxMs: int(10, 3_600_000),
    concurrency: int(1, 64),
    maxParked: int(1, 10_000),
  },
} as const;

const nullableStrings = { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] } as const;

const webhookViewProperties = {
  id: { type: 'string' },
  url: { type: 'string', description: 'password and secret-looking query values replaced by ***' },
  origin: { type: 'string', enum: ['config', 'api'] },
  mode: { type: 'string', enum: ['structured', 'binary'] },
  types: nullableStrings,
  cameras: nullableStrings,
  allowPrivateTargets: { type: 'boolean' },
  state: { type: 'string', enum: ['idle', 'delivering', 'retrying', 'closed'] },
  pending: { type: 'integer' },
  journalBytes: { type: 'integer' },
  delivered: { type: 'integer' },
  failedAttempts: { type: 'integer' },
  parked: { type: 'integer' },
  lastError: { anyOf: [{ type: 'null' }, { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, at: { type: 'string' } } }] },
  lastDeliveredAt: { type: ['string', 'null'] },
} as const;

const webhookViewSchema = { type: 'object', required: ['id', 'url', 'origin', 'state', 'pending', 'parked', 'lastError'], properties: webhookViewProperties } as const;

const parkedEventSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'the CloudEvent id (webhook-id header)' },
    sequence: { type: 'integer' },
    type: { type: 'string' },
    camera: { type: 'string' },
    status: { type: ['integer', 'null'] },
    reason: { type: 'string' },
    parkedAt: { type: 'string' },
    event: { type: 'object', additionalProperties: true },
  },
} as const;

/**
 * Webhooks (admin only: they carry targets and signing secrets). streams.yaml webhooks are listed
 * too (`origin: config`) but changed in the file. Secrets are never shown, except a generated
 * one in the answer that created it.
 */
export function webhookRoutes(app: FastifyInstance, deps: { control?: WebhookControl | undefined }): void {
  const control = (): WebhookControl => {
    if (!deps.control) throw new VigilError('VIGIL_ERR_NOT_READY', 'webhooks are not available on this server');
    return deps.control;
  };
  const tags = ['webhooks'];
  app.get('/v1/webhooks', { config: { role: 'admin' }, schema: { summary: 'list webhooks with their delivery counts', tags, response: { 200: { type: 'array', items: webhookViewSchema } } } }, async () => control().list());
  app.get<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'one webhook: counts, last error, parked events',
        tags,
        params: idParams,
        response: { 200: { ...webhookViewSchema, properties: { ...webhookViewProperties, parkedEvents: { type: 'array', items: parkedEventSchema } } } },
      },
    },
    async (request) => control().get(request.params.id),
  );
  app.post<{ Body: Record<string, unknown> }>(
    '/v1/webhooks',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'add a webhook (stored, delivering at once); loopback, link-local and private targets are refused unless api.webhooksAllowPrivateTargets',
        tags,
        body: webhookCreateSchema,
        response: { 201: { ...webhookViewSchema, properties: { ...webhookViewProperties, secret: { type: 'string', description: 'only when generated; shown this once' } } } },
      },
    },
    async (request, reply) => reply.code(201).send(await control().create(request.body)),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    { config: { role: 'admin' }, schema: { summary: 'remove an API webhook (its undelivered and parked events are deleted)', tags, params: idParams, response: { 204: { description: 'removed', type: 'null' } } } },
    async (request, reply) => {
      await control().remove(request.params.id);
      return reply.code(204).send();
    },
  );
}
