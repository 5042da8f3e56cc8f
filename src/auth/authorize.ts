import type { IncomingMessage } from 'node:http';
import { VigilError } from '../errors';
import { presentedToken } from './presented-token';
import { roleAllows, type Role } from './roles';
import type { Caller, TokenCheck } from './token-check';

/** Who presents the request's token: the caller, `anonymous` when no token exists at all, or null when refused. */
export function identifyRequest(check: TokenCheck, request: Pick<IncomingMessage, 'headers' | 'url'>): Caller | null {
  return check.identify(presentedToken(request));
}

/**
 * The one access check, for HTTP routes and the WebSocket upgrade alike: who presents the
 * request's token, and whether that caller may do what `required` may. Throws
 * VIGIL_ERR_UNAUTHORIZED (no valid token) or VIGIL_ERR_FORBIDDEN (too weak a role).
 */
export function authorize(check: TokenCheck, request: Pick<IncomingMessage, 'headers' | 'url'>, required: Role): Caller {
  const caller = identifyRequest(check, request);
  if (!caller) throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'missing or invalid access token (Authorization: Bearer TOKEN)');
  if (!roleAllows(caller.role, required)) {
    throw new VigilError('VIGIL_ERR_FORBIDDEN', `this route needs the ${required} role; the token has ${caller.role}`, { required, role: caller.role });
  }
  return caller;
}
