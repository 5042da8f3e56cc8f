import type { IncomingMessage } from 'node:http';

/** Prefix of the subprotocol that carries a token, for browsers, which cannot set headers. */
export const TOKEN_PROTOCOL_PREFIX = 'bearer.';

/**
 * The token a request presents: `Authorization: Bearer TOKEN`, else a `bearer.TOKEN` entry in
 * `Sec-WebSocket-Protocol`, else, only where `query` allows it (the WebSocket upgrade, for clients
 * that can set neither), the `token` query parameter: a token in a URL ends up in proxy logs and
 * browser history, so ordinary routes never read it. Pure.
 */
export function presentedToken(request: Pick<IncomingMessage, 'headers' | 'url'>, options: { query: boolean } = { query: false }): string | null {
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
  if (!options.query) return null;
  return queryToken(request.url) || null;
}

/** The `token` query parameter of a URL, if any (to refuse it by name where it is not read). */
export function queryToken(url: string | undefined): string | null {
  return new URL(url ?? '/', 'http://x').searchParams.get('token');
}

/** The request URL with the `token` query parameter hidden, for logs. */
export function redactedUrl(url: string | undefined): string {
  const parsed = new URL(url ?? '/', 'http://x');
  if (parsed.searchParams.has('token')) parsed.searchParams.set('token', '***');
  return `${parsed.pathname}${parsed.search}`;
}
