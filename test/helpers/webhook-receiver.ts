import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly at: number;
}

/** How the receiver answers one request: a status (with headers and body), or never ('hang'). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string | Buffer } | 'hang';

/**
 * A real HTTP server on loopback standing in for a site's webhook receiver (Node-RED, a ticketing
 * system): records every request with its raw body, answers as told.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[];
  readonly #server: Server;
  readonly #hanging: Set<ServerResponse>;

  private constructor(server: Server, requests: ReceivedRequest[], hanging: Set<ServerResponse>) {
    this.#server = server;
    this.requests = requests;
    this.#hanging = hanging;
  }

  static async start(options: { port?: number; answer?: (request: ReceivedRequest) => Answer } = {}): Promise<WebhookReceiver> {
    const answer = options.answer ?? ((): Answer => ({ status: 204 }));
    const requests: ReceivedRequest[] = [];
    const hanging = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
        requests.push(request);
        const reply = answer(request);
        if (reply === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      });
    });
    const receiver = new WebhookReceiver(server, requests, hanging);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Events received, parsed from structured-mode bodies. */
  events<T = { id: string; sequence: number; subject: string; type: string }>(): T[] {
    return this.requests.map((r) => JSON.parse(r.body.toString()) as T);
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Verifies a request's signature with the standardwebhooks library (as a receiver would); throws if invalid. */
export function verifySignature(secret: string, request: ReceivedRequest): void {
  const verifier = secret.startsWith('whsec_') ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
  const headers: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) headers[name] = String(request.headers[name] ?? '');
  verifier.verify(request.body.toString(), headers);
}
