/**
 * Close codes for a subscriber whose token no longer allows it (private range, in the README):
 * 4401 the token was revoked or has expired (like HTTP 401: do not reconnect with it), 4403 its
 * role was lowered (like HTTP 403: reconnect to continue with what the new role allows).
 */
export const CLOSE_TOKEN_REVOKED = 4401;
export const CLOSE_TOKEN_LOWERED = 4403;

/** Why the server ended a session for its token; also the `reason` label of the disconnect metric. */
export type AccessEnd = 'token_revoked' | 'token_expired' | 'token_lowered';

/** The close frame for `reason`. Pure. */
export function accessEnd(reason: AccessEnd): { code: number; text: string } {
  if (reason === 'token_lowered') return { code: CLOSE_TOKEN_LOWERED, text: 'token role lowered' };
  return { code: CLOSE_TOKEN_REVOKED, text: reason === 'token_expired' ? 'token expired' : 'token revoked' };
}

/** Longest delay one timer can wait (setTimeout's limit); a later expiry re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long until a token expiring at `expiresAt` (ms) must be checked, or null when it never expires. Pure. */
export function expiryDelay(expiresAt: number | null, now: number): number | null {
  if (expiresAt === null || !Number.isFinite(expiresAt)) return null;
  return Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - now));
}
