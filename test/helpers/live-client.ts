import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

export interface ReceivedSegment {
  readonly flags: number;
  readonly wallMs: number;
  readonly mediaSeconds: number;
  readonly box: string;
  readonly bytes: number;
  readonly at: number;
}

/**
 * A live video viewer over a real `ws` client: control messages (JSON) and media segments (the
 * 17-byte header read back, the first box's type) in the order they came. Its TCP socket is its
 * own (`createConnection`), so a test can stop reading from it (`pause()`) as a stalled browser would.
 */
export class LiveClient {
  readonly ws: WebSocket;
  readonly messages: ({ kind: 'text'; json: Record<string, unknown> } | ({ kind: 'media' } & ReceivedSegment))[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  #tcp: Socket | null = null;

  constructor(url: string, token: string | null) {
    const protocols = token ? ['vigil.live', `bearer.${token}`] : ['vigil.live'];
    this.ws = new WebSocket(url, protocols, {
      createConnection: (options: object) => {
        this.#tcp = connect(options as { port: number; host: string });
        return this.#tcp;
      },
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.ws.on('message', (data: Buffer, binary) => {
      if (!binary) return this.messages.push({ kind: 'text', json: JSON.parse(String(data)) as Record<string, unknown> });
      this.messages.push({ kind: 'media', flags: data.readUInt8(0), wallMs: data.readDoubleBE(1), mediaSeconds: data.readDoubleBE(9), box: data.toString('latin1', 21, 25), bytes: data.length, at: Date.now() });
    });
  }

  get media(): ReceivedSegment[] {
    return this.messages.filter((m): m is { kind: 'media' } & ReceivedSegment => m.kind === 'media');
  }

  texts(kind: string): Record<string, unknown>[] {
    return this.messages.flatMap((m) => (m.kind === 'text' && m.json.kind === kind ? [m.json] : []));
  }

  /** Stops reading from the TCP socket (the kernel's buffers fill, then the gateway's view of it). */
  pause(): void {
    this.#tcp?.pause();
  }

  resume(): void {
    this.#tcp?.resume();
  }

  close(): void {
    this.ws.terminate();
  }
}
