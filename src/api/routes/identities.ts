import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError } from '../../errors';
import { faceInputSchema, idParams, identityCreateSchema, identityPatchSchema, identitySchema } from '../schemas';
import type { FaceSource, IdentityControl } from '../types';
import { listOrPageSchema, pageOf, pageQuery, wantsPage } from '../pagination';

/** What an enrolment request carries once its JSON or multipart body is read. */
interface FaceRequest {
  name?: string;
  externalId?: string;
  metadata?: Record<string, unknown>;
  faces: FaceSource[];
}

function fromBase64(text: string, maxBytes: number, field: string): Buffer {
  const bytes = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  if (bytes.length === 0) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${field}: not base64 image data`, { field });
  if (bytes.length > maxBytes) throw new VigilError('VIGIL_ERR_PAYLOAD_TOO_LARGE', `${field}: image is ${bytes.length} bytes; at most ${maxBytes}`, { field });
  return bytes;
}

function parseMetadata(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'metadata: not JSON', { field: 'metadata' });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'metadata: must be a JSON object', { field: 'metadata' });
  return value as Record<string, unknown>;
}

const TEXT_FIELDS = new Set(['name', 'externalId', 'metadata', 'fromTrack']);

/** Reads a multipart body: text fields name, externalId, metadata (JSON), fromTrack; every file part is an image. Nothing touches the disk. */
async function readMultipart(request: FastifyRequest): Promise<FaceRequest> {
  const out: FaceRequest = { faces: [] };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      out.faces.push({ image: await part.toBuffer() });
      continue;
    }
    const value = typeof part.value === 'string' ? part.value : String(part.value);
    if (!TEXT_FIELDS.has(part.fieldname)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${part.fieldname}: unknown field`, { field: part.fieldname, reason: 'unknown field' });
    if (part.fieldname === 'name') out.name = value;
    else if (part.fieldname === 'externalId') out.externalId = value;
    else if (part.fieldname === 'metadata') out.metadata = parseMetadata(value);
    else if (part.fieldname === 'fromTrack') out.faces.push({ fromTrack: value });
  }
  return out;
}

function readJsonFace(body: { image?: string; fromTrack?: string }, maxBytes: number): FaceSource {
  if (body.fromTrack !== undefined) return { fromTrack: body.fromTrack };
  return { image: fromBase64(body.image ?? '', maxBytes, 'image') };
}

async function readFace(request: FastifyRequest, maxBytes: number): Promise<FaceSource> {
  if (!request.isMultipart()) return readJsonFace(request.body as { image?: string; fromTrack?: string }, maxBytes);
  const { faces } = await readMultipart(request);
  if (faces.length !== 1) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `give exactly one image file or fromTrack (got ${faces.length})`, { field: 'body' });
  return faces[0] as FaceSource;
}

const multipart = { schema: { description: 'multipart/form-data: fields name, externalId, metadata (JSON), fromTrack; image files (JPEG, PNG, WebP)' } };

/** The gallery over HTTP: viewers read, operators enrol and edit. Enrolment refusals are 422 with the reason. */
export function identityRoutes(app: FastifyInstance, deps: { control?: IdentityControl | undefined; maxImageBytes: number }): void {
  const control = (): IdentityControl => {
    if (!deps.control) throw new VigilError('VIGIL_ERR_NOT_READY', 'the gallery is not available on this server');
    return deps.control;
  };
  const tags = ['identities'];
  const viewer = { role: 'viewer' as const };
  const operator = { role: 'operator' as const };
  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    '/v1/identities',
    {
      config: viewer,
      schema: {
        summary: 'list identities by name: all of them (a bare array), or a page ({items, next}) when limit or cursor is given',
        tags,
        querystring: { type: 'object', additionalProperties: false, properties: pageQuery },
        response: { 200: listOrPageSchema(identitySchema) },
      },
    },
    async (request) => {
      const all = control().list();
      return wantsPage(request.query) ? pageOf(all, (i) => `${i.name}\u0000${i.id}`, request.query) : all;
    },
  );
  app.get<{ Params: { id: string } }>('/v1/identities/:id', { config: viewer, schema: { summary: 'one identity (by id, name or external id)', tags, params: idParams, response: { 200: identitySchema } } }, async (request) =>
    control().get(request.params.id),
  );
  app.post(
    '/v1/identities',
    { config: operator, schema: { summary: 'create an identity, optionally enrolling faces (all or nothing)', tags, body: { content: { 'application/json': { schema: identityCreateSchema }, 'multipart/form-data': multipart } }, response: { 201: identitySchema } } },
    async (request, reply) => {
      let input: FaceRequest;
      if (request.isMultipart()) input = await readMultipart(request);
      else {
        const body = request.body as { name: string; externalId?: string; metadata?: Record<string, unknown>; images?: string[]; fromTrack?: string };
        input = { name: body.name, faces: (body.images ?? []).map((image, i) => ({ image: fromBase64(image, deps.maxImageBytes, `images[${i}]`) })) };
        if (body.externalId !== undefined) input.externalId = body.externalId;
        if (body.metadata !== undefined) input.metadata = body.metadata;
        if (body.fromTrack !== undefined) input.faces.push({ fromTrack: body.fromTrack });
      }
      if (!input.name || !input.name.trim() || input.name.length > 200) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'name: required, 1-200 characters', { field: 'name' });
      const { name, faces } = input;
      return reply.code(201).send(await control().create({ name, faces, ...(input.externalId !== undefined && { externalId: input.externalId }), ...(input.metadata && { metadata: input.metadata }) }));
    },
  );
  app.patch<{ Params: { id: string }; Body: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null } }>(
    '/v1/identities/:id',
    { config: operator, schema: { summary: 'rename, or change external id or metadata', tags, params: idParams, body: identityPatchSchema, response: { 200: identitySchema } } },
    async (request) => control().update(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>('/v1/identities/:id', { config: operator, schema: { summary: 'remove an identity with its faces', tags, params: idParams, response: { 204: { description: 'removed', type: 'null' } } } }, async (request, reply) => {
    await control().remove(request.params.id);
    return reply.code(204).send();
  });
  const faceBody = { content: { 'application/json': { schema: faceInputSchema }, 'multipart/form-data': multipart } };
  app.post<{ Params: { id: string } }>(
    '/v1/identities/:id/faces',
    { config: operator, schema: { summary: 'enrol one more face (image or recent track)', tags, params: idParams, body: faceBody, response: { 201: { type: 'object', properties: { faceId: { type: 'integer' } } } } } },
    async (request, reply) => reply.code(201).send(await control().addFace(request.params.id, await readFace(request, deps.maxImageBytes))),
  );
  app.get<{ Params: { id: string } }>(
    '/v1/identities/:id/faces',
    {
      config: viewer,
      schema: {
        summary: 'enrolled faces of an identity (ids, sources, sha256 of the photo), oldest first',
        tags,
        params: idParams,
        response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, source: { type: ['string', 'null'] }, sha256: { type: ['string', 'null'] }, createdAt: { type: 'string' } } } } },
      },
    },
    async (request) => control().faces(request.params.id),
  );
  app.delete<{ Params: { id: string; faceId: string } }>(
    '/v1/identities/:id/faces/:faceId',
    {
      config: operator,
      schema: { summary: 'remove one enrolled face', tags, params: { type: 'object', required: ['id', 'faceId'], properties: { id: idParams.properties.id, faceId: { type: 'string', pattern: '^[0-9]{1,15}$' } } }, response: { 204: { description: 'removed', type: 'null' } } },
    },
    async (request, reply) => {
      await control().removeFace(request.params.id, Number(request.params.faceId));
      return reply.code(204).send();
    },
  );
  app.post<{ Params: { id: string } }>(
    '/v1/identities/:id/negatives',
    { config: operator, schema: { summary: '"not this person": a face or track that must never be named this identity', tags, params: idParams, body: faceBody, response: { 201: identitySchema } } },
    async (request, reply) => reply.code(201).send(await control().addNegative(request.params.id, await readFace(request, deps.maxImageBytes))),
  );
}
