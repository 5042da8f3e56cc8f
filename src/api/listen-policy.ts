/** Where the HTTP server may listen, and what to tell the operator about it. Pure. */
export function listenAddress(requestedHost: string, tokensExist: boolean): { host: string; warning: string | null } {
  // Without any token the API is open, so it is reachable from this machine only.
  if (tokensExist) return { host: requestedHost, warning: null };
  if (requestedHost !== '127.0.0.1') {
    return { host: '127.0.0.1', warning: 'no access token configured (VIGIL_TOKENS, VIGIL_TOKENS_FILE): the API is open, so it listens on 127.0.0.1 only; VIGIL_HOST is ignored until a token exists' };
  }
  return { host: '127.0.0.1', warning: 'no access token configured: the API is open to anyone on this machine (listening on 127.0.0.1 only)' };
}
