import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { judgeAddress } from './address-policy';
import type { AttemptResult } from './delivery-policy';

/** Bytes of an answer read at most; the first SNIPPET_BYTES are kept for a parked event's reason. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const SNIPPET_BYTES = 1024;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function refused(host: string, address: string, cls: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${host} resolves to ${address} (${cls}), which this webhook may not reach`);
  error.code = 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED';
  return error;
}

/**
 * A DNS lookup that only ever hands the socket addresses the policy allows, so the address
 * connected to is the address checked (no window for DNS rebinding between a check and the
 * connect). Names resolving to nothing allowed fail the connection before any byte is sent.
 */
export function guardedLookup(allowPrivateTargets: boolean) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const allowed = list.filter((a) => judgeAddress(a.address, allowPrivateTargets).allowed);
      const first = allowed[0];
      if (!first) {
        const any = list[0];
        return callback(refused(hostname, any?.address ?? '(none)', any ? judgeAddress(any.address, allowPrivateTargets).class : 'unresolved'), []);
      }
      if ((options as LookupAllOptions).all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

export interface WebhookRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly timeoutMs: number;
  readonly allowPrivateTargets: boolean;
  readonly agent: http.Agent;
  readonly signal?: AbortSignal;
}

/** A keep-alive agent per webhook: its sockets are its own, so one receiver's connections never wait on another's. */
export function webhookAgent(url: URL, maxSockets: number): http.Agent {
  const options = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' as const };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/** The connected peer must pass the policy too (IP literals skip the lookup; this catches everything). */
function checkPeer(socket: Socket, request: WebhookRequest, fail: (error: Error) => void): void {
  const check = (): void => {
    const address = socket.remoteAddress;
    if (address === undefined) return;
    const verdict = judgeAddress(address, request.allowPrivateTargets);
    if (!verdict.allowed) fail(refused(request.url.hostname, address, verdict.class));
  };
  if (socket.connecting) socket.once('connect', check);
  else check();
}

/**
 * One POST, never a way in: http(s) only (checked by the caller's URL), the target's addresses
 * checked before connecting and after, no redirect followed (node's client never follows), one
 * deadline for the whole exchange, and at most 64 KiB of the answer read. The one door to node's
 * HTTP client. Never throws: every outcome is an AttemptResult.
 */
export function post(request: WebhookRequest): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const literal = request.url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) {
      const verdict = judgeAddress(literal, request.allowPrivateTargets);
      if (!verdict.allowed) {
        const error = refused(literal, literal, verdict.class);
        return finish({ kind: 'error', code: error.code ?? 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED', message: error.message });
      }
    }
    const client = request.url.protocol === 'https:' ? https : http;
    const req = client.request(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(request.body.length) },
      agent: request.agent,
      lookup: guardedLookup(request.allowPrivateTargets),
      ...(request.signal && { signal: request.signal }),
    });
    const fail = (error: Error): void => {
      const code = (error as NodeJS.ErrnoException).code ?? (error.name === 'AbortError' ? 'ABORTED' : 'ERROR');
      finish({ kind: 'error', code, message: error.message });
      req.destroy();
    };
    deadline = setTimeout(() => fail(Object.assign(new Error(`no answer within ${request.timeoutMs} ms`), { code: 'ETIMEDOUT' })), request.timeoutMs);
    req.on('socket', (socket: Socket) => checkPeer(socket, request, fail));
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let read = 0;
      const answer = (): AttemptResult => ({
        kind: 'response',
        status: res.statusCode ?? 0,
        location: typeof res.headers.location === 'string' ? res.headers.location : null,
        retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (kept < SNIPPET_BYTES) {
          const part = chunk.subarray(0, SNIPPET_BYTES - kept);
          chunks.push(part);
          kept += part.length;
        }
        if (read > MAX_RESPONSE_BYTES) {
          // The status is known; the rest of an oversized answer is not worth reading (the socket is not reused).
          finish(answer());
          res.destroy();
        }
      });
      res.on('end', () => finish(answer()));
      res.on('error', () => finish(answer()));
      res.on('aborted', () => finish(answer()));
    });
    req.end(request.body);
  });
}
