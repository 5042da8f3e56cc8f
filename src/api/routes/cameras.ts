import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../errors';
import { cameraCreateSchema, cameraPatchSchema, cameraViewSchema, idParams } from '../schemas';
import type { CameraControl } from '../types';

const jpeg = { description: 'JPEG image', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } };

/** Cameras: viewers read, operators change. Changes apply at once (no restart). */
export function cameraRoutes(app: FastifyInstance, deps: { control?: CameraControl | undefined }): void {
  const control = (): CameraControl => {
    if (!deps.control) throw new VigilError('VIGIL_ERR_NOT_READY', 'camera control is not available on this server');
    return deps.control;
  };
  const tags = ['cameras'];
  app.get('/v1/cameras', { config: { role: 'viewer' }, schema: { summary: 'list cameras', tags, response: { 200: { type: 'array', items: cameraViewSchema } } } }, async () => deps.control?.list() ?? []);
  app.get<{ Params: { id: string } }>(
    '/v1/cameras/:id',
    { config: { role: 'viewer' }, schema: { summary: 'one camera', tags, params: idParams, response: { 200: cameraViewSchema } } },
    async (request) => control().get(request.params.id),
  );
  app.post<{ Body: Record<string, unknown> }>(
    '/v1/cameras',
    { config: { role: 'operator' }, schema: { summary: 'add a camera (stored, started at once)', tags, body: cameraCreateSchema, response: { 201: cameraViewSchema } } },
    async (request, reply) => reply.code(201).send(await control().add(request.body)),
  );
  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/v1/cameras/:id',
    { config: { role: 'operator' }, schema: { summary: 'change an API camera (restarts its decoder)', tags, params: idParams, body: cameraPatchSchema, response: { 200: cameraViewSchema } } },
    async (request) => control().update(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>(
    '/v1/cameras/:id',
    { config: { role: 'operator' }, schema: { summary: 'remove an API camera', tags, params: idParams, response: { 204: { description: 'removed', type: 'null' } } } },
    async (request, reply) => {
      await control().remove(request.params.id);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: { id: string } }>(
    '/v1/cameras/:id/snapshot',
    { config: { role: 'viewer' }, schema: { summary: 'latest decoded frame as JPEG', tags, params: idParams, response: { 200: jpeg } } },
    async (request, reply) => reply.type('image/jpeg').header('cache-control', 'no-store').send(await control().snapshot(request.params.id, { authorization: request.headers.authorization, peer: request.headers['x-vigil-peer'] === '1' })),
  );
}
