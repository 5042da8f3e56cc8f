import WebSocket from 'ws';
import pino from 'pino';
import { HttpServer } from '../../src/api';
import { TokenCheck, identifyRequest, type AccessToken } from '../../src/auth';
import { EventBus, WebSocketHub, eventDraft, eventSource, type CloudEvent, type WebSocketHubOptions } from '../../src/events';
import { Metrics } from '../../src/observability';

/** The real hub behind the real HTTP server on port 0, with a bus to publish into. */
export interface EventServer {
  readonly bus: EventBus;
  readonly hub: WebSocketHub;
  readonly http: HttpServer;
  readonly url: string;
  readonly disconnects: string[];
  close(): Promise<void>;
}

export async function startEventServer(options: Partial<WebSocketHubOptions> & { tokens?: AccessToken[] } = {}): Promise<EventServer> {
  const logger = pino({ level: 'silent' });
  const bus = new EventBus();
  const disconnects: string[] = [];
  const tokens = new TokenCheck(options.tokens ?? []);
  const hub = new WebSocketHub({ logger, run: bus.run, authenticate: (request) => identifyRequest(tokens, request), onDisconnect: (reason) => disconnects.push(reason), ...options });
  bus.addSink(hub);
  const http = new HttpServer({ host: '127.0.0.1', port: 0, logger, metrics: new Metrics(), hub });
  await hub.start();
  await http.start();
  return {
    bus,
    hub,
    http,
    url: `ws://127.0.0.1:${http.address.port}/v1/events`,
    disconnects,
    close: async () => {
      hub.destroy();
      await http.close();
    },
  };
}

const SOURCE = eventSource('test-gw');

/** Publishes one synthetic vigil.face.detected event (built by the real builder); `pad` makes it bigger. */
export function publishFace(bus: EventBus, camera: string, pad = 0): CloudEvent {
  return bus.publish(
    eventDraft(SOURCE, 'vigil.face.detected', Date.now(), {
      camera,
      frameSeq: bus.sequence,
      frame: { width: 640, height: 360 },
      faces: [{ box: { x: 1, y: 2, width: 30, height: 40 }, score: 0.9 }],
      ...(pad > 0 ? { note: 'x'.repeat(pad) } : {}),
    }),
  );
}

/** A subscriber that records every message (events and control messages) with its arrival time. */
export interface Subscriber {
  readonly socket: WebSocket;
  readonly events: CloudEvent[];
  readonly controls: Record<string, unknown>[];
  readonly arrivals: number[];
  closeCode: number | null;
}

export function subscribe(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<Subscriber> {
  const socket = protocols ? new WebSocket(url, protocols, options) : new WebSocket(url, options);
  const subscriber: Subscriber = { socket, events: [], controls: [], arrivals: [], closeCode: null };
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    if ('specversion' in message) {
      subscriber.events.push(message as unknown as CloudEvent);
      subscriber.arrivals.push(performance.now());
    } else subscriber.controls.push(message);
  });
  socket.on('close', (code) => (subscriber.closeCode = code));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(subscriber));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
