import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, VigilError, isVigilError, type ErrorCode } from '../errors';
import { DISPLAY_TEXT_PATTERN, DISPLAY_TEXT_RULE } from '../config';
import { drainRequest } from './drain';

/** The one error body of the API: `{ "error": { "code", "message", "details" } }`. */
export function errorBody(error: VigilError): { error: { code: string; message: string; details: Record<string, unknown> } } {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/** Fastify's own errors (validation, body parsing, multipart limits) as catalog errors. Pure. */
export function toVigilError(error: FastifyError | Error): VigilError {
  if (isVigilError(error)) return error;
  const e = error as FastifyError & { validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const first = e.validation[0];
    const extra = first?.params?.additionalProperty;
    const field = `${e.validationContext ?? 'body'}${first?.instancePath ?? ''}${typeof extra === 'string' ? `.${extra}` : ''}`;
    // The display-text pattern is unreadable as a message: say what it means.
    const reason = typeof extra === 'string' ? 'unknown field' : first?.params?.pattern === DISPLAY_TEXT_PATTERN ? DISPLAY_TEXT_RULE : (first?.message ?? 'invalid');
    return new VigilError('VIGIL_ERR_BAD_REQUEST', `${field}: ${reason}`, { field, reason });
  }
  const status = e.statusCode ?? 500;
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'VIGIL_ERR_BAD_REQUEST',
    404: 'VIGIL_ERR_ROUTE_NOT_FOUND',
    413: 'VIGIL_ERR_PAYLOAD_TOO_LARGE',
    415: 'VIGIL_ERR_UNSUPPORTED_MEDIA_TYPE',
    429: 'VIGIL_ERR_RATE_LIMITED',
  };
  const code = byStatus[status] ?? (status >= 400 && status < 500 ? 'VIGIL_ERR_BAD_REQUEST' : null);
  if (code) return new VigilError(code, e.message || ERROR_CATALOG[code].message, e.code ? { reason: e.code } : {});
  // Unexpected: the message may hold internals, so the answer carries only the generic one.
  return new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'internal error', {}, { cause: error });
}

/** Installs the error and not-found handlers; 5xx are logged with the request id, 4xx only at debug. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const vigil = toVigilError(error);
    const status = isVigilError(error) || vigil.code !== 'VIGIL_ERR_INFERENCE_FAILED' ? vigil.httpStatus : 500;
    // A body refused while the client still sends it: read the rest first, or the client gets a
    // reset instead of this answer. The connection is not reused either way.
    if (status === 413 && !request.raw.complete) {
      void reply.header('connection', 'close');
      await drainRequest(request.raw);
    }
    if (status >= 500) request.log.error({ err: { message: error.message, code: (error as FastifyError).code, stack: error.stack } }, 'request failed');
    else request.log.debug({ code: vigil.code, message: vigil.message }, 'request refused');
    if (status === 429 && vigil.details.retryAfterS !== undefined) void reply.header('retry-after', String(vigil.details.retryAfterS));
    return reply.code(status).type('application/json').send(errorBody(vigil));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new VigilError('VIGIL_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.code(404).send(errorBody(error));
  });
}
