import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../errors';
import { callerSchema, idParams, tokenViewSchema } from '../schemas';
import type { TokenControl } from '../types';

/**
 * `GET /v1/me` (any role): the caller's own role and token id, so a client (the dashboard) can
 * offer only what that role may do. Admin only: list tokens (ids and roles, never secrets),
 * create one (the secret shown once), revoke a stored one.
 */
/** What an admin sets on a stored token. */
const tokenFields = {
  role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
  name: { type: ['string', 'null'], maxLength: 200 },
  expiresAt: { type: ['string', 'null'], maxLength: 40, description: 'RFC 3339, in the future; null: never expires' },
} as const;

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
  app.post<{ Body: { role: string; name?: string; expiresAt?: string | null } }>(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'create a token; the secret is returned once and stored only as its sha256',
        tags,
        body: { type: 'object', additionalProperties: false, required: ['role'], properties: tokenFields },
        response: { 201: { ...tokenViewSchema, properties: { ...tokenViewSchema.properties, token: { type: 'string' } } } },
      },
    },
    async (request, reply) => reply.code(201).send(control().create(request.body)),
  );
  app.patch<{ Params: { id: string }; Body: { role?: string; name?: string | null; expiresAt?: string | null } }>(
    '/v1/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        summary: "change a stored token's role, name or expiry; a lower role (4403) or a passed expiry (4401) closes its open WebSockets",
        tags,
        params: idParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: tokenFields },
        response: { 200: tokenViewSchema },
      },
    },
    async (request) => control().update(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    { config: { role: 'admin' }, schema: { summary: 'revoke a stored token; its open WebSockets are closed at once (4401)', tags, params: idParams, response: { 204: { description: 'revoked', type: 'null' } } } },
    async (request, reply) => {
      control().remove(request.params.id);
      return reply.code(204).send();
    },
  );
}
