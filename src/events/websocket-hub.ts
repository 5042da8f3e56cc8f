import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from 'pino';
import { StateHolder, type Component } from '../lifecycle';
import type { EventSink, PublishedEvent } from './event-bus';

export type HubState = 'idle' | 'open' | 'closed';

export interface WebSocketHubOptions {
  readonly logger: Logger;
  /** A client whose unsent bytes exceed this misses events until it catches up (counted). */
  readonly maxBufferedBytes?: number;
  readonly heartbeatMs?: number;
  readonly onClientCount?: (count: number) => void;
  readonly onDropped?: (reason: string) => void;
}

/** Close code sent to subscribers when the gateway shuts down (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;

/**
 * The WebSocket side of event delivery: every event to every subscriber of /v1/events as one JSON
 * text message. A slow client never delays the others: sends are asynchronous and a client with
 * too much unsent data is skipped (and the skip counted) until it drains.
 */
export class WebSocketHub implements Component<HubState>, EventSink {
  readonly name = 'websocket';
  readonly #options: WebSocketHubOptions;
  readonly #state = new StateHolder<HubState>('idle');
  readonly #server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #alive = new WeakMap<WebSocket, boolean>();
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: WebSocketHubOptions) {
    this.#options = options;
    this.#server.on('connection', (socket) => this.#onConnection(socket));
  }

  get state(): HubState {
    return this.#state.state;
  }

  get clientCount(): number {
    return this.#server.clients.size;
  }

  async start(): Promise<void> {
    if (this.state === 'open') return;
    this.#heartbeat = setInterval(() => this.#checkHeartbeats(), this.#options.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
    this.#state.set('open');
  }

  /** Takes over an HTTP upgrade request for the events path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.state !== 'open') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#server.emit('connection', ws, request));
  }

  publish({ json }: PublishedEvent): void {
    const limit = this.#options.maxBufferedBytes ?? 4 * 1024 * 1024;
    for (const client of this.#server.clients) {
      if (client.readyState !== WebSocket.OPEN) continue;
      if (client.bufferedAmount > limit) {
        this.#options.onDropped?.('slow_client');
        continue;
      }
      client.send(json);
    }
  }

  async close(timeoutMs = 2000): Promise<void> {
    if (this.state === 'closed') return;
    this.#stopHeartbeat();
    this.#state.set('closed');
    const closing = [...this.#server.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            client.terminate();
            resolve();
          }, timeoutMs);
          client.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          client.close(CLOSE_GOING_AWAY, 'gateway shutting down');
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  destroy(): void {
    this.#stopHeartbeat();
    for (const client of this.#server.clients) client.terminate();
    this.#server.close();
    this.#state.set('closed');
  }

  #onConnection(socket: WebSocket): void {
    this.#alive.set(socket, true);
    socket.on('pong', () => this.#alive.set(socket, true));
    socket.on('error', (error) => this.#options.logger.debug({ err: error.message }, 'websocket client error'));
    socket.on('close', () => this.#options.onClientCount?.(this.#server.clients.size));
    // Subscribers only listen for now; anything they send is ignored.
    this.#options.onClientCount?.(this.#server.clients.size);
  }

  #checkHeartbeats(): void {
    for (const client of this.#server.clients) {
      if (this.#alive.get(client) === false) {
        client.terminate();
        continue;
      }
      this.#alive.set(client, false);
      client.ping();
    }
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
