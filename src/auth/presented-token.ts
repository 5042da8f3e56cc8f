import type { IncomingMessage } from 'node:http';

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

/** The request URL with the `token` query parameter hidden, for logs. */
export function redactedUrl(url: string | undefined): string {
  const parsed = new URL(url ?? '/', 'http://x');
  if (parsed.searchParams.has('token')) parsed.searchParams.set('token', '***');
  return `${parsed.pathname}${parsed.search}`;
}
