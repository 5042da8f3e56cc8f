import type { FastifyInstance } from 'fastify';
import '../types';
import { faceViewSchema, idParams } from '../schemas';
import type { IdentityControl } from '../types';

const png = { 200: { description: 'PNG image (112x112)', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } } };
const itemParams = (name: string) => ({ type: 'object', required: ['id', name], properties: { id: idParams.properties.id, [name]: { type: 'string', pattern: '^[0-9]{1,15}$' } } });

/**
 * What the people page shows of an identity beside its faces: each face's aligned crop, its
 * "not this person" examples (list, crop, remove). Crops are biometric: viewers read them with a
 * token like every snapshot; they are never cached by shared caches.
 */
export function identityMediaRoutes(app: FastifyInstance, control: () => IdentityControl): void {
  const tags = ['identities'];
  const viewer = { role: 'viewer' as const };
  app.get<{ Params: { id: string; faceId: string } }>(
    '/v1/identities/:id/faces/:faceId/crop',
    { config: viewer, schema: { summary: 'the aligned crop an enrolled face was embedded from', tags, params: itemParams('faceId'), response: png } },
    async (request, reply) => reply.type('image/png').header('cache-control', 'private, max-age=3600').send(await control().crop(request.params.id, 'face', Number(request.params.faceId))),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/identities/:id/negatives',
    { config: viewer, schema: { summary: '"not this person" examples of an identity, oldest first', tags, params: idParams, response: { 200: { type: 'array', items: faceViewSchema } } } },
    async (request) => control().negatives(request.params.id),
  );
  app.get<{ Params: { id: string; negativeId: string } }>(
    '/v1/identities/:id/negatives/:negativeId/crop',
    { config: viewer, schema: { summary: 'the aligned crop a "not this person" example was embedded from', tags, params: itemParams('negativeId'), response: png } },
    async (request, reply) => reply.type('image/png').header('cache-control', 'private, max-age=3600').send(await control().crop(request.params.id, 'negative', Number(request.params.negativeId))),
  );
  app.delete<{ Params: { id: string; negativeId: string } }>(
    '/v1/identities/:id/negatives/:negativeId',
    { config: { role: 'operator' }, schema: { summary: 'remove a "not this person" example', tags, params: itemParams('negativeId'), response: { 204: { description: 'removed', type: 'null' } } } },
    async (request, reply) => {
      await control().removeNegative(request.params.id, Number(request.params.negativeId));
      return reply.code(204).send();
    },
  );
}
