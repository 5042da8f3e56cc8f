import { VigilError } from '../errors';

/** Marks a request one gateway makes of another: answer from local data only (no second hop). */
export const PEER_HEADER = 'x-vigil-peer';

/** The caller's own credentials, forwarded: tokens are the same on every gateway. */
export interface Via {
  readonly authorization?: string | undefined;
  readonly peer?: boolean;
}

/**
 * Asks the other gateways for a JPEG (a snapshot taken there), at URLs learned from the members
 * topic only: nothing a request says decides where this gateway connects. The first 200 wins; all
 * misses: VIGIL_ERR_SNAPSHOT_NOT_FOUND.
 */
export async function fetchFromPeers(peers: readonly string[], path: string, via: Via, timeoutMs = 3000): Promise<Buffer> {
  const notFound = new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', 'snapshot not found on any gateway');
  if (via.peer || peers.length === 0) throw notFound;
  const headers: Record<string, string> = { [PEER_HEADER]: '1' };
  if (via.authorization) headers.authorization = via.authorization;
  const attempts = peers.map(async (base) => {
    const response = await fetch(new URL(path, base), { headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('image/jpeg')) throw notFound;
    return Buffer.from(await response.arrayBuffer());
  });
  try {
    return await Promise.any(attempts);
  } catch {
    throw notFound;
  }
}
