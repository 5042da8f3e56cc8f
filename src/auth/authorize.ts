import type { IncomingMessage } from 'node:http';
import { VigilError } from '../errors';
import { presentedToken, queryToken } from './presented-token';
import { roleAllows, type Role } from './roles';
import type { Caller, TokenCheck } from './token-check';

/**
 * Who presents the WebSocket upgrade's token (header, `bearer.` subprotocol or `?token=`): the
 * caller, `anonymous` when no token exists at all, or null when refused.
 */
export function identifyRequest(check: TokenCheck, request: Pick<IncomingMessage, 'headers' | 'url'>): Caller | null {
  return check.identify(presentedToken(request, { query: true }));
}

/**
 * The access check of the HTTP routes: who presents the request's token (in a header, never in
 * the URL), and whether that caller may do what `required` may. Throws VIGIL_ERR_UNAUTHORIZED (no
 * valid token, or a `?token=` on a route that does not read it) or VIGIL_ERR_FORBIDDEN (too weak a role).
 */
export function authorize(check: TokenCheck, request: Pick<IncomingMessage, 'headers' | 'url'>, required: Role): Caller {
  const presented = presentedToken(request);
  if (presented === null && check.enabled && queryToken(request.url) !== null) {
    throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'tokens in the URL (?token=) are accepted only on the WebSocket upgrade; send Authorization: Bearer TOKEN', { reason: 'query_token' });
  }
  const caller = check.identify(presented);
  if (!caller) throw new VigilError('VIGIL_ERR_UNAUTHORIZED', 'missing or invalid access token (Authorization: Bearer TOKEN)');
  if (!roleAllows(caller.role, required)) {
    throw new VigilError('VIGIL_ERR_FORBIDDEN', `this route needs the ${required} role; the token has ${caller.role}`, { required, role: caller.role });
  }
  return caller;
}
