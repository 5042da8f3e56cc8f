import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import type { Logger } from 'pino';
import type { Metrics } from '../observability';
import { redactedUrl, type TokenCheck } from '../auth';
import type { WebSocketHub } from '../events';
import { StateHolder, type Component } from '../lifecycle';
import { guardUpgrade, installAuth, type AuthGuard } from './auth';
import { AuthThrottle } from './auth-throttle';
import { installErrorHandlers } from './errors';
import { collectRoutes, openApiDocument } from './openapi';
import { RateLimiter, type RateLimitPolicy } from './rate-limit';
import { cameraRoutes } from './routes/cameras';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { identityRoutes } from './routes/identities';
import { searchRoutes } from './routes/search';
import { snapshotRoutes } from './routes/snapshots';
import { tokenRoutes } from './routes/tokens';
import { webhookRoutes } from './routes/webhooks';
import type { CameraControl, HealthControl, HistoryControl, IdentityControl, Readiness, TokenControl, WebhookControl, WebSocketRoute } from './types';
import { cameraHealthRoutes } from './routes/camera-health';
import { registerDashboardRoute } from './dashboard-route';
import { registerApiDocs } from './docs-route';

export interface HttpServerOptions {
  /** Address to bind, or a function asked at start (the choice may depend on tokens loaded by then). */
  readonly host: string | (() => string);
  readonly port: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly hub: WebSocketHub;
  /** JPEG bytes of a snapshot; throws a VigilError (VIGIL_ERR_SNAPSHOT_NOT_FOUND) when there is none. */
  readonly snapshot?: (id: string, via: { authorization?: string | undefined; peer?: boolean }) => Buffer | Promise<Buffer>;
  /** Token checks for the HTTP routes (the same instance the hub uses); absent: everyone is `anonymous`. */
  readonly auth?: TokenCheck;
  readonly cameras?: CameraControl;
  readonly identities?: IdentityControl;
  readonly tokens?: TokenControl;
  readonly webhooks?: WebhookControl;
  /** Per-camera health series (GET /v1/cameras/{id}/health, /v1/health/cameras). */
  readonly health?: HealthControl;
  /** Live video viewers' WebSocket (/v1/cameras/{id}/live). */
  readonly liveVideo?: WebSocketRoute;
  /** The stored event history and face search; null or absent: off. */
  readonly history?: HistoryControl | null;
  readonly readiness?: Readiness;
  /** Mutating requests per caller; absent: no limit. */
  readonly rateLimit?: RateLimitPolicy;
  /** Wrong tokens per client address before it gets 429 (HTTP and the WebSocket upgrade); absent: no limit. */
  readonly authFailureLimit?: RateLimitPolicy;
  /** Largest image accepted for enrolment (bytes, after base64 decoding). */
  readonly maxImageBytes?: number;
  readonly version?: string;
}

export type HttpState = 'idle' | 'listening' | 'closed';

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const JSON_BODY_LIMIT = 1024 * 1024;
const DEFAULT_IMAGE_BYTES = 8 * 1024 * 1024;
/** Up to 10 images per request, base64 (4/3) plus the JSON around them. */
const ENROL_BODY_LIMIT = (imageBytes: number): number => Math.ceil(imageBytes * 10 * 1.4) + JSON_BODY_LIMIT;

/**
 * The one HTTP port: health, metrics, OpenAPI (and its browsable UI at /docs), the control plane (cameras, identities, tokens),
 * recent events, and the /v1/events WebSocket upgrade. Every route has a JSON schema; every error
 * is `{ "error": { "code", "message", "details" } }` with the catalog's status.
 */
export class HttpServer implements Component<HttpState> {
  readonly name = 'http';
  readonly #options: HttpServerOptions;
  readonly #state = new StateHolder<HttpState>('idle');
  readonly #app: FastifyInstance;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    // The request log writes the URL: a `?token=` must never reach it.
    const logger = options.logger.child(
      { component: 'http' },
      { serializers: { req: (req: { method?: string; url?: string; ip?: string; id?: string }) => ({ method: req.method, url: redactedUrl(req.url), remoteAddress: req.ip }) } },
    );
    const imageBytes = options.maxImageBytes ?? DEFAULT_IMAGE_BYTES;
    this.#app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      // Probes and scrapes every few seconds would drown the log; every other request is logged with its id.
      logController: new LogController({ disableRequestLogging: (request) => QUIET_PATHS.has(request.url) }),
      bodyLimit: JSON_BODY_LIMIT,
      // Refuse unknown fields and wrong types instead of silently dropping or converting them.
      ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    });
    const app = this.#app;
    // JSON and multipart only: a text body is refused (415), never validated as a string.
    app.removeContentTypeParser('text/plain');
    const routes = collectRoutes(app);
    installErrorHandlers(app);
    const guard: AuthGuard | undefined = options.authFailureLimit && { throttle: new AuthThrottle(options.authFailureLimit), onFailure: (result) => options.metrics.authFailures.inc({ result }) };
    installAuth(app, options.auth, options.rateLimit && new RateLimiter(options.rateLimit), guard);
    void app.register(multipart, { limits: { fileSize: imageBytes, files: 10, fields: 10, fieldSize: 64 * 1024, parts: 24, headerPairs: 100 }, throwFileSizeLimit: true });
    void app.register(async (scoped) => {
      scoped.addHook('onRoute', (route) => {
        if (route.url.startsWith('/v1/identities') || route.url.startsWith('/v1/search')) route.bodyLimit = ENROL_BODY_LIMIT(imageBytes);
      });
      healthRoutes(scoped, { metrics: options.metrics, readiness: options.readiness });
      cameraRoutes(scoped, { control: options.cameras });
      cameraHealthRoutes(scoped, { control: options.health });
      identityRoutes(scoped, { control: options.identities, maxImageBytes: imageBytes });
      eventRoutes(scoped, { hub: options.hub, history: options.history });
      searchRoutes(scoped, { history: options.history, maxImageBytes: imageBytes });
      snapshotRoutes(scoped, { snapshot: options.snapshot });
      tokenRoutes(scoped, { control: options.tokens });
      webhookRoutes(scoped, { control: options.webhooks });
      // The page itself holds no data and must load before it can ask for a token: no role.
      registerDashboardRoute(scoped);
      scoped.get('/openapi.json', { schema: { summary: 'this document', tags: ['health'] } }, async () => openApiDocument(routes, options.version ?? '0.0.0'));
      // Swagger UI at /docs, over the same document.
      await registerApiDocs(scoped, () => openApiDocument(routes, options.version ?? '0.0.0'));
    });
    app.server.on('upgrade', (request, socket, head) => {
      const path = (request.url ?? '').split('?')[0];
      if (path === '/v1/events') {
        if (guardUpgrade(request, socket, options.auth, guard)) options.hub.handleUpgrade(request, socket, head);
      } else if (path && options.liveVideo?.handles(path)) {
        if (guardUpgrade(request, socket, options.auth, guard)) options.liveVideo.handleUpgrade(request, socket, head);
      }
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  get state(): HttpState {
    return this.#state.state;
  }

  /** The fastify instance, for `inject()` in tests. */
  get fastify(): FastifyInstance {
    return this.#app;
  }

  /** The bound address, e.g. to learn the port after listening on port 0. */
  get address(): { host: string; port: number } {
    const address = this.#app.server.address();
    if (!address || typeof address === 'string') throw new Error('HTTP server is not listening');
    return { host: address.address, port: address.port };
  }

  async ready(): Promise<void> {
    await this.#app.ready();
  }

  async start(): Promise<void> {
    if (this.state === 'listening') return;
    const { host } = this.#options;
    await this.#app.listen({ host: typeof host === 'function' ? host() : host, port: this.#options.port });
    this.#state.set('listening');
  }

  /** Stops accepting; resolves once open requests and upgraded sockets are gone, or after `timeoutMs` (then they are cut). */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    const timer = setTimeout(() => this.#app.server.closeAllConnections(), timeoutMs);
    try {
      await this.#app.close();
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.#state.set('closed');
    this.#app.server.closeAllConnections();
    void this.#app.close();
  }
}
