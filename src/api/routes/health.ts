import type { FastifyInstance } from 'fastify';
import '../types';
import type { Metrics } from '../../observability';
import type { Readiness } from '../types';

const componentSchema = { type: 'object', additionalProperties: true, properties: { ready: { type: 'boolean' } } } as const;
const readySchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ready', 'not_ready'] }, components: { type: 'object', additionalProperties: componentSchema } },
} as const;

/** Liveness, readiness and metrics: open to everyone (probes and scrapers carry no token). */
export function healthRoutes(app: FastifyInstance, deps: { metrics: Metrics; readiness?: Readiness | undefined }): void {
  app.get('/healthz', { schema: { summary: 'process alive', tags: ['health'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { summary: 'models loaded, storage writable, and when Kafka is configured its journal taking events (an unreachable broker is only degraded)', tags: ['health'], response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const components = deps.readiness ? await deps.readiness() : {};
      const ready = Object.values(components).every((c) => c.ready);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', components });
    },
  );
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['health'], response: { 200: { description: 'Prometheus text', content: { 'text/plain': { schema: { type: 'string' } } } } } } }, async (_request, reply) => {
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
}
