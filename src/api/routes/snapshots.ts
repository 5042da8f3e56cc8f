import type { FastifyInstance } from 'fastify';
import '../types';
import { VigilError } from '../../errors';

/** Track snapshots referenced by events (`/v1/snapshots/{id}`), immutable once written. */
export function snapshotRoutes(app: FastifyInstance, deps: { snapshot?: ((id: string, via: { authorization?: string | undefined; peer?: boolean }) => Buffer | Promise<Buffer>) | undefined }): void {
  app.get<{ Params: { id: string } }>(
    '/v1/snapshots/:id',
    {
      config: { role: 'viewer' },
      schema: {
        summary: 'a track snapshot (face crop or full frame) as JPEG',
        tags: ['events'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 200: { description: 'JPEG image', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } } },
      },
    },
    async (request, reply) => {
      if (!deps.snapshot) throw new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', 'snapshots are not enabled');
      // Another gateway asking (x-vigil-peer) gets this gateway's own snapshots only: no second hop.
      const jpeg = await deps.snapshot(request.params.id, { authorization: request.headers.authorization, peer: request.headers['x-vigil-peer'] === '1' });
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=86400, immutable').send(jpeg);
    },
  );
}
