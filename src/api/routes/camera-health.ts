import type { FastifyInstance } from 'fastify';
import '../types';
import { VigilError } from '../../errors';
import { cameraHealthSchema, cameraHealthSummarySchema, healthWindowQuery, windowMs } from '../health-schemas';
import { idParams } from '../schemas';
import type { HealthControl } from '../types';

/** Each camera's last hour (analysed fps, drops, frame age, reconnects) from the gateway's memory. */
export function cameraHealthRoutes(app: FastifyInstance, deps: { control?: HealthControl | undefined }): void {
  const control = (): HealthControl => {
    if (!deps.control) throw new VigilError('VIGIL_ERR_NOT_READY', 'camera health is not available on this server');
    return deps.control;
  };
  const tags = ['cameras'];
  app.get<{ Params: { id: string }; Querystring: { window?: string } }>(
    '/v1/cameras/:id/health',
    { config: { role: 'viewer' }, schema: { summary: "a camera's health over the last hour, in 10 s buckets", tags, params: idParams, querystring: healthWindowQuery, response: { 200: cameraHealthSchema } } },
    async (request) => {
      const ms = windowMs(request.query.window);
      if (ms < 10_000 || ms > 3_600_000) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'window: 10s to 1h', { window: request.query.window });
      return control().window(request.params.id, ms);
    },
  );
  app.get(
    '/v1/health/cameras',
    { config: { role: 'viewer' }, schema: { summary: 'every camera: in trouble or not, since when, its figures now', tags, response: { 200: { type: 'array', items: cameraHealthSummarySchema } } } },
    async () => control().summaries(),
  );
}
