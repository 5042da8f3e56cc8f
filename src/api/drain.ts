import type { IncomingMessage } from 'node:http';

/** Most bytes of a refused body read and discarded so its client can read the answer. */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Reads and discards what is left of a request body (at most `maxBytes`, for at most
 * `timeoutMs`). A body refused as too large is drained before the 413 is sent: a server that
 * answers and closes while the client is still sending resets the connection, and most clients
 * (curl aside) then report a broken pipe instead of the answer. Resolves false when it gave up.
 */
export function drainRequest(request: IncomingMessage, maxBytes = DRAIN_MAX_BYTES, timeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
  if (request.complete || request.destroyed || request.readableEnded) return Promise.resolve(true);
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (drained: boolean): void => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onError);
      resolve(drained);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onError = (): void => finish(request.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onError);
    request.resume();
  });
}
