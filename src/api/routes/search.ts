import type { FastifyInstance, FastifyRequest } from 'fastify';
import '../types';
import { VigilError } from '../../errors';
import type { FaceSearchInput, HistoryControl } from '../types';
import { parseTime } from './history-params';

const base64Image = { type: 'string', minLength: 4, maxLength: 16 * 1024 * 1024, pattern: '^[A-Za-z0-9+/=\\s]+$' } as const;
const cameraId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' } as const;

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    image: { ...base64Image, description: 'a photo (base64 JPEG, PNG or WebP): its largest face is searched' },
    eventId: { type: 'string', minLength: 1, maxLength: 128, description: 'a stored recognized/unknown event: its track\'s embedding is searched' },
    limit: { type: 'integer', minimum: 1, maximum: 500, description: 'appearances returned at most (default 50), one per track' },
    minSimilarity: { type: 'number', minimum: -1, maximum: 1, description: 'cosine similarity at least (default history.search.minSimilarity)' },
    camera: { type: 'array', maxItems: 256, items: cameraId, description: 'only these cameras' },
    from: { type: 'string', maxLength: 64, description: 'appearances at or after (RFC 3339)' },
    to: { type: 'string', maxLength: 64, description: 'appearances before (RFC 3339)' },
  },
} as const;

const resultSchema = {
  type: 'object',
  required: ['eventId', 'type', 'camera', 'time', 'trackId', 'similarity', 'event'],
  properties: {
    eventId: { type: 'string' },
    type: { type: 'string' },
    camera: { type: 'string' },
    time: { type: 'string' },
    trackId: { type: ['string', 'null'] },
    similarity: { type: 'number' },
    event: { type: 'object', additionalProperties: true, description: 'the stored event as published (identity, snapshots, box, quality)' },
  },
} as const;

export const faceSearchAnswerSchema = {
  type: 'object',
  required: ['query', 'searched', 'minSimilarity', 'searchMs', 'results'],
  properties: {
    query: {
      type: 'object',
      required: ['source', 'eventId', 'box'],
      properties: {
        source: { type: 'string', enum: ['image', 'event'] },
        eventId: { type: ['string', 'null'] },
        box: { anyOf: [{ type: 'null' }, { type: 'object', required: ['x', 'y', 'width', 'height'], properties: { x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } } }] },
      },
    },
    searched: { type: 'integer', description: 'stored appearances searched (those embedded by the model in use)' },
    minSimilarity: { type: 'number' },
    searchMs: { type: 'number', description: 'time in the search worker (index and exact re-rank)' },
    results: { type: 'array', items: resultSchema, description: 'best first' },
  },
} as const;

type SearchBody = { image?: string; eventId?: string; limit?: number; minSimilarity?: number; camera?: string[]; from?: string; to?: string };

const FIELDS = new Set(['eventId', 'limit', 'minSimilarity', 'camera', 'from', 'to']);

/** A multipart search: one image file, and the other fields as text (camera comma-separated). Nothing touches the disk. */
async function readMultipart(request: FastifyRequest): Promise<{ body: SearchBody; image: Buffer | undefined }> {
  const body: SearchBody = {};
  let image: Buffer | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (image) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'give one image file', { field: 'body' });
      image = await part.toBuffer();
      continue;
    }
    const value = typeof part.value === 'string' ? part.value : String(part.value);
    if (!FIELDS.has(part.fieldname)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${part.fieldname}: unknown field`, { field: part.fieldname, reason: 'unknown field' });
    if (part.fieldname === 'limit' || part.fieldname === 'minSimilarity') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', `${part.fieldname}: a number`, { field: part.fieldname });
      body[part.fieldname] = n;
    } else if (part.fieldname === 'camera') body.camera = value.split(',').map((c) => c.trim()).filter(Boolean);
    else body[part.fieldname as 'eventId' | 'from' | 'to'] = value;
  }
  return { body, image };
}

function checkRange(body: SearchBody): void {
  if (body.limit !== undefined && (!Number.isInteger(body.limit) || body.limit < 1 || body.limit > 500)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'limit: 1-500', { field: 'limit' });
  if (body.minSimilarity !== undefined && (body.minSimilarity < -1 || body.minSimilarity > 1)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'minSimilarity: -1 to 1', { field: 'minSimilarity' });
}

/** `POST /v1/search/faces`: every stored appearance of a face, best first (viewer: it reads, changes nothing). */
export function searchRoutes(app: FastifyInstance, deps: { history?: HistoryControl | null | undefined; maxImageBytes: number }): void {
  app.post(
    '/v1/search/faces',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'search stored appearances by face: a photo, or a stored face event',
        tags: ['events'],
        body: { content: { 'application/json': { schema: bodySchema }, 'multipart/form-data': { schema: { description: 'one image file; fields eventId, limit, minSimilarity, camera (comma-separated), from, to' } } } },
        response: { 200: faceSearchAnswerSchema },
      },
    },
    async (request) => {
      if (!deps.history) throw new VigilError('VIGIL_ERR_HISTORY_DISABLED');
      let body: SearchBody;
      let image: Buffer | undefined;
      if (request.isMultipart()) ({ body, image } = await readMultipart(request));
      else {
        body = request.body as SearchBody;
        if (body.image !== undefined) image = Buffer.from(body.image.replace(/\s+/g, ''), 'base64');
      }
      checkRange(body);
      if ((image === undefined) === (body.eventId === undefined)) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'give exactly one of image and eventId', { field: 'body' });
      if (image && image.length > deps.maxImageBytes) throw new VigilError('VIGIL_ERR_PAYLOAD_TOO_LARGE', `image is ${image.length} bytes; at most ${deps.maxImageBytes}`, { field: 'image' });
      if (image && image.length === 0) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'image: not base64 image data', { field: 'image' });
      const input: FaceSearchInput = {
        limit: body.limit ?? 50,
        cameras: body.camera && body.camera.length > 0 ? body.camera : null,
        from: parseTime(body.from, 'from', 'body'),
        to: parseTime(body.to, 'to', 'body'),
        ...(image && { image }),
        ...(body.eventId !== undefined && { eventId: body.eventId }),
        ...(body.minSimilarity !== undefined && { minSimilarity: body.minSimilarity }),
      };
      return deps.history.search(input);
    },
  );
}
