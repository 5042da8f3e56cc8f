import type { FastifyInstance } from 'fastify';
import { authorize, type TokenCheck } from '../auth';
import { VigilError } from '../errors';
import type { RateLimiter } from './rate-limit';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route that names a role in its config needs a token of at least that role (401 without
 * a valid one, 403 with a weaker one: the same check as the WebSocket upgrade); mutating routes
 * are rate limited per caller. Routes without a role (health, metrics, OpenAPI) are open.
 */
export function installAuth(app: FastifyInstance, auth: TokenCheck | undefined, limiter: RateLimiter | undefined, now: () => number = Date.now): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config.role;
    if (!required) return;
    const caller = auth ? authorize(auth, request.raw, required) : { role: 'anonymous' as const, tokenId: null };
    request.caller = caller;
    if (limiter && MUTATING.has(request.method)) {
      const decision = limiter.take(caller.tokenId ?? request.ip, now());
      if (!decision.allowed) {
        throw new VigilError('VIGIL_ERR_RATE_LIMITED', `too many changes; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`, { retryAfterS: Math.ceil(decision.retryAfterMs / 1000) });
      }
    }
  });
}
