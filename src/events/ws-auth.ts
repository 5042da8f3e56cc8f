import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A configured access token (from VIGIL_TOKENS) and its role. */
export interface AccessToken {
  readonly role: string;
  readonly token: string;
}

/** Prefix of the subprotocol that carries a token, for browsers, which cannot set headers. */
export const TOKEN_PROTOCOL_PREFIX = 'bearer.';

/**
 * The token a request presents: `Authorization: Bearer TOKEN`, else a `bearer.TOKEN` entry in
 * `Sec-WebSocket-Protocol`, else the `token` query parameter. Pure.
 */
export function presentedToken(request: Pick<IncomingMessage, 'headers' | 'url'>): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1]) return match[1];
  }
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    const entry = protocols
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX) && p.length > TOKEN_PROTOCOL_PREFIX.length);
    if (entry) return entry.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  const query = new URL(request.url ?? '/', 'http://x').searchParams.get('token');
  return query || null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Checks tokens in constant time (over hashes, so lengths leak nothing). With no tokens configured
 * everyone is let in; any role may read events.
 */
export class TokenCheck {
  readonly #digests: { role: string; digest: Buffer }[];

  constructor(tokens: readonly AccessToken[]) {
    this.#digests = tokens.map((t) => ({ role: t.role, digest: digest(t.token) }));
  }

  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /** The role of the presented token, `anonymous` when auth is off, or null when refused. */
  roleOf(token: string | null): string | null {
    if (!this.enabled) return 'anonymous';
    if (!token) return null;
    const presented = digest(token);
    let role: string | null = null;
    for (const entry of this.#digests) if (timingSafeEqual(entry.digest, presented)) role = entry.role;
    return role;
  }
}

/** The request URL with the `token` query parameter hidden, for logs. */
export function redactedUrl(url: string | undefined): string {
  const parsed = new URL(url ?? '/', 'http://x');
  if (parsed.searchParams.has('token')) parsed.searchParams.set('token', '***');
  return `${parsed.pathname}${parsed.search}`;
}
