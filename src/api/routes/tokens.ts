import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../errors';
import { callerSchema, idParams, tokenViewSchema } from '../schemas';
import type { TokenControl } from '../types';

/**
 * `GET /v1/me` (any role): the caller's own role and token id, so a client (the dashboard) can
 * offer only what that role may do. Admin only: list tokens (ids and roles, never secrets),
 * create one (the secret shown once), revoke a stored one.
 */
export function tokenRoutes(app: FastifyInstance, deps: { control?: TokenControl | undefined }): void {
  const control = (): TokenControl => {
    if (!deps.control) throw new VigilError('VIGIL_ERR_NOT_READY', 'token management is not available on this server');
    return deps.control;
  };
  const tags = ['tokens'];
  app.get(
    '/v1/me',
    {
      config: { role: 'viewer' },
      schema: {
        summary: "the caller's role and token id (anonymous and null when the server has no tokens)",
        tags,
        response: { 200: callerSchema },
      },
    },
    async (request) => ({ role: request.caller.role, tokenId: request.caller.tokenId }),
  );
  app.get('/v1/tokens', { config: { role: 'admin' }, schema: { summary: 'list tokens (never the secrets)', tags, response: { 200: { type: 'array', items: tokenViewSchema } } } }, async () => control().list());
  app.post<{ Body: { role: string; name?: string } }>(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'create a token; the secret is returned once and stored only as its sha256',
        tags,
        body: { type: 'object', additionalProperties: false, required: ['role'], properties: { role: { type: 'string', enum: ['viewer', 'operator', 'admin'] }, name: { type: 'string', maxLength: 200 } } },
        response: { 201: { ...tokenViewSchema, properties: { ...tokenViewSchema.properties, token: { type: 'string' } } } },
      },
    },
    async (request, reply) => reply.code(201).send(await control().create(request.body)),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    { config: { role: 'admin' }, schema: { summary: 'revoke a stored token', tags, params: idParams, response: { 204: { description: 'revoked', type: 'null' } } } },
    async (request, reply) => {
      await control().remove(request.params.id);
      return reply.code(204).send();
    },
  );
}
