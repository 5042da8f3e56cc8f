import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../observability';
import type { WebSocketHub } from '../events';
import { StateHolder, type Component } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { registerDashboardRoute } from './dashboard-route';

/** What `GET /v1/cameras` shows for each camera. URLs are always the redacted form. */
export interface CameraView {
  readonly id: string;
  readonly name: string | null;
  readonly url: string;
  readonly enabled: boolean;
  readonly state: string;
  readonly stateReason: string | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly framesDecoded: number;
  readonly framesAnalyzed: number;
  readonly framesDropped: number;
  /** Decode mode: full, keyframes or half-fps (lowered while analysis cannot keep up). */
  readonly mode: string;
  /** Reconnect attempts since the stream was last healthy. */
  readonly attempt: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly hub: WebSocketHub;
  readonly cameras: () => CameraView[];
  /** JPEG bytes of a snapshot; throws a VigilError (VIGIL_ERR_SNAPSHOT_NOT_FOUND) when there is none. */
  readonly snapshot?: (id: string) => Buffer;
}

export type HttpState = 'idle' | 'listening' | 'closed';

const QUIET_PATHS = new Set(['/healthz', '/metrics']);

const cameraViewSchema = {
  type: 'object',
  required: ['id', 'url', 'state', 'lastError', 'framesDecoded', 'framesAnalyzed', 'framesDropped'],
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    url: { type: 'string' },
    enabled: { type: 'boolean' },
    state: { type: 'string' },
    stateReason: { type: ['string', 'null'] },
    lastError: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }],
    },
    fps: { type: 'number' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    framesDecoded: { type: 'integer' },
    framesAnalyzed: { type: 'integer' },
    framesDropped: { type: 'integer' },
    mode: { type: 'string' },
    attempt: { type: 'integer' },
    reconnectsLastHour: { type: 'integer' },
    stallsLastHour: { type: 'integer' },
  },
} as const;

/** The one HTTP port: health, metrics, the camera list, and the /v1/events WebSocket upgrade. */
export class HttpServer implements Component<HttpState> {
  readonly name = 'http';
  readonly #options: HttpServerOptions;
  readonly #state = new StateHolder<HttpState>('idle');
  readonly #app: FastifyInstance;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#app = Fastify({
      loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
      // Probes and scrapes every few seconds would drown the log; every other request is logged with its id.
      logController: new LogController({ disableRequestLogging: (request) => QUIET_PATHS.has(request.url) }),
      bodyLimit: 1024 * 1024,
    });
    this.#routes();
    this.#app.server.on('upgrade', (request, socket, head) => {
      const path = (request.url ?? '').split('?')[0];
      if (path === '/v1/events') options.hub.handleUpgrade(request, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  get state(): HttpState {
    return this.#state.state;
  }

  /** The bound address, e.g. to learn the port after listening on port 0. */
  get address(): { host: string; port: number } {
    const address = this.#app.server.address();
    if (!address || typeof address === 'string') throw new Error('HTTP server is not listening');
    return { host: address.address, port: address.port };
  }

  async start(): Promise<void> {
    if (this.state === 'listening') return;
    await this.#app.listen({ host: this.#options.host, port: this.#options.port });
    this.#state.set('listening');
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    await this.#app.close();
  }

  destroy(): void {
    this.#state.set('closed');
    this.#app.server.closeAllConnections();
    void this.#app.close();
  }

  #routes(): void {
    const app = this.#app;
    app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await this.#options.metrics.render();
      return reply.type(contentType).send(body);
    });
    app.get<{ Params: { id: string } }>(
      '/v1/snapshots/:id',
      { schema: { params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } } },
      async (request, reply) => {
        const read = this.#options.snapshot;
        try {
          if (!read) throw new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', 'snapshots are not enabled');
          const jpeg = read(request.params.id);
          return reply.type('image/jpeg').header('cache-control', 'private, max-age=86400, immutable').send(jpeg);
        } catch (error) {
          const e = asVigilError(error, 'VIGIL_ERR_SNAPSHOT_NOT_FOUND');
          return reply.code(e.httpStatus).send({ error: { code: e.code, message: e.message } });
        }
      },
    );
    app.get('/v1/cameras', { schema: { response: { 200: { type: 'array', items: cameraViewSchema } } } }, async () => this.#options.cameras());
    registerDashboardRoute(app);
  }
}
