import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { authorize, identifyRequest, presentedToken, type TokenCheck } from '../auth';
import { VigilError, isVigilError } from '../errors';
import type { AuthThrottle } from './auth-throttle';
import type { RateLimiter } from './rate-limit';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Failed authentications: a wrong token `refused` (401), or an address `throttled` (429) for too many. */
export type AuthFailure = 'refused' | 'throttled';

export interface AuthGuard {
  readonly throttle: AuthThrottle;
  readonly onFailure?: (result: AuthFailure) => void;
}

/** Whether the request carries a token anywhere (a header, the subprotocol or the URL): a try, if it is wrong. */
function presentsToken(request: Pick<IncomingMessage, 'headers' | 'url'>): boolean {
  return presentedToken(request, { query: true }) !== null;
}

function throttled(retryAfterMs: number): VigilError {
  const retryAfterS = Math.ceil(retryAfterMs / 1000);
  return new VigilError('VIGIL_ERR_RATE_LIMITED', `too many failed authentications from this address; retry in ${retryAfterS} s`, { retryAfterS, reason: 'auth_failures' });
}

/**
 * Every route that names a role in its config needs a token of at least that role (401 without
 * a valid one, 403 with a weaker one: the same check as the WebSocket upgrade); mutating routes
 * are rate limited per caller. An address that presented too many wrong tokens gets 429 before
 * its next token is even checked. Routes without a role (health, metrics, OpenAPI) are open.
 */
export function installAuth(app: FastifyInstance, auth: TokenCheck | undefined, limiter: RateLimiter | undefined, guard?: AuthGuard, now: () => number = Date.now): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config.role;
    if (!required) return;
    const tried = guard !== undefined && auth?.enabled === true && presentsToken(request.raw);
    if (guard && tried) {
      const decision = guard.throttle.check(request.ip, now());
      if (!decision.allowed) {
        guard.onFailure?.('throttled');
        throw throttled(decision.retryAfterMs);
      }
    }
    let caller;
    try {
      caller = auth ? authorize(auth, request.raw, required) : { role: 'anonymous' as const, tokenId: null };
    } catch (error) {
      if (guard && tried && isVigilError(error) && error.code === 'VIGIL_ERR_UNAUTHORIZED') {
        guard.throttle.failed(request.ip, now());
        guard.onFailure?.('refused');
      }
      throw error;
    }
    request.caller = caller;
    if (limiter && MUTATING.has(request.method)) {
      const decision = limiter.take(caller.tokenId ?? request.ip, now());
      if (!decision.allowed) {
        throw new VigilError('VIGIL_ERR_RATE_LIMITED', `too many changes; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`, { retryAfterS: Math.ceil(decision.retryAfterMs / 1000) });
      }
    }
  });
}

/**
 * The WebSocket upgrade's share of the throttle: an address over its failures gets HTTP 429
 * (the socket is answered and closed: returns false); a wrong token counts as a failure and goes
 * on to the hub, which refuses it with 401.
 */
export function guardUpgrade(request: IncomingMessage, socket: Duplex, auth: TokenCheck | undefined, guard: AuthGuard | undefined, now: () => number = Date.now): boolean {
  if (!guard || !auth?.enabled || !presentsToken(request)) return true;
  const address = request.socket.remoteAddress ?? 'unknown';
  const decision = guard.throttle.check(address, now());
  if (!decision.allowed) {
    guard.onFailure?.('throttled');
    const body = JSON.stringify({ error: { code: 'VIGIL_ERR_RATE_LIMITED', message: throttled(decision.retryAfterMs).message } });
    socket.end(`HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\nRetry-After: ${Math.ceil(decision.retryAfterMs / 1000)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return false;
  }
  if (identifyRequest(auth, request) === null) {
    guard.throttle.failed(address, now());
    guard.onFailure?.('refused');
  }
  return true;
}
