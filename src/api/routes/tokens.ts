import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../errors';
import { callerSchema, idParams, tokenViewSchema } from '../schemas';
import type { TokenControl } from '../types';
import { listOrPageSchema, pageOf, pageQuery, wantsPage } from '../pagination';

/** What an admin sets on a stored token. */
const tokenFields = {
  role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
  name: { type: ['string', 'null'], maxLength: 200 },
  expiresAt: { type: ['string', 'null'], maxLength: 40, description: 'RFC 3339, in the future; null: never expires' },
} as const;

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
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'list tokens (never the secrets), oldest first: all of them (a bare array), or a page ({items, next}) when limit or cursor is given',
        tags,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
        response: { 200: listOrPageSchema(tokenViewSchema) },
      },
    },
    async (request) => {
      const all = control().list();
      return wantsPage(request.query) ? pageOf(all, (t) => `${t.createdAt ?? ''}\u0000${t.id}`, request.query) : all;
    },
  );
  app.post<{ Body: { role: string; name?: string | null; expiresAt?: string | null } }>(
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
    async (request, reply) => reply.code(201).send(await control().create(request.body)),
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
    async (request) => await control().update(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    { config: { role: 'admin' }, schema: { summary: 'revoke a stored token; its open WebSockets are closed at once (4401)', tags, params: idParams, response: { 204: { description: 'revoked', type: 'null' } } } },
    async (request, reply) => {
      await control().remove(request.params.id);
      return reply.code(204).send();
    },
  );
}
