import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { TOKEN_PROTOCOL_PREFIX, redactedUrl, type Caller, type TokenChange } from '../auth';
import type { LiveCamera, LiveCameraSink, LiveViews } from '../cameras';
import { StateHolder, type Component } from '../lifecycle';
import { LiveChannel } from './live-channel';
import { LiveViewer } from './live-viewer';
import { ViewerAccess } from './viewer-access';
import { LIVE_CLOSE, errorMessage, livePathCamera } from './live-wire';
import { admitViewer, type ViewerLimits } from './viewer-policy';

export interface LiveLimits extends ViewerLimits {
  /** Bytes a viewer's socket may hold unsent before its segments are left out (until a key frame). */
  readonly viewerBufferBytes: number;
  /** Per watched camera: fragments since the last key frame kept for viewers who join. */
  readonly gopCacheBytes: number;
}

export interface LiveServiceOptions {
  readonly limits: LiveLimits;
  readonly heartbeatMs: number;
  /** How long a camera keeps remuxing after its last viewer left. */
  readonly lingerMs?: number;
  readonly logger: Logger;
  /** Who the upgrade request is (its token), or null when refused; absent: everyone may watch. */
  readonly authenticate?: (request: IncomingMessage) => Caller | null;
  /** A camera's state and why, or null when there is no such camera. */
  readonly describeCamera: (id: string) => { state: string; reason: string | null } | null;
  /**
   * Cluster mode: the gateway running a camera when it is not this one (its instance id, and its
   * URL from the members topic, null until known); null when it runs here or runs nowhere yet.
   */
  readonly owner?: (id: string) => { gateway: string; url: string | null } | null;
  readonly onViewers?: (camera: string, count: number) => void;
  /** A camera's sent-bytes counter, bound once per viewer (called per segment). */
  readonly bytesSent?: (camera: string) => (bytes: number) => void;
  readonly onDropped?: (camera: string, reason: 'slow_viewer' | 'decoder_backlog', count: number) => void;
  readonly onRefused?: (reason: 'not_found' | 'elsewhere' | 'camera_limit' | 'total_limit') => void;
}

export type LiveState = 'idle' | 'open' | 'closed';

function refuse(socket: Duplex, status: number, reason: string, extra = ''): void {
  const body = JSON.stringify({ error: reason });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * Live video on `/v1/cameras/{id}/live`: authenticated WebSocket viewers (the events socket's
 * token rules, any role), bounded per camera and in all, each fed by its camera's channel. The
 * cameras attach themselves when they start (LiveViews); a camera is asked to remux only while
 * watched. Refusals after the upgrade are a JSON `error` message and a close code, so a browser
 * can show why (it cannot read an HTTP refusal of a WebSocket).
 */
export class LiveService implements Component<LiveState>, LiveViews {
  readonly name = 'live';
  readonly #options: LiveServiceOptions;
  readonly #state = new StateHolder<LiveState>('idle');
  readonly #server: WebSocketServer;
  readonly #channels = new Map<string, LiveChannel>();
  readonly #access = new ViewerAccess();
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: LiveServiceOptions) {
    this.#options = options;
    this.#server = new WebSocketServer({
      noServer: true,
      maxPayload: 1024,
      perMessageDeflate: false,
      handleProtocols: (protocols) => [...protocols].find((p) => !p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? false,
    });
  }

  get state(): LiveState {
    return this.#state.state;
  }

  /** Viewers watching now, all cameras. */
  get viewerCount(): number {
    let count = 0;
    for (const channel of this.#channels.values()) count += channel.viewers.size;
    return count;
  }

  async start(): Promise<void> {
    if (this.state === 'open') return;
    this.#heartbeat = setInterval(() => this.#checkHeartbeats(), this.#options.heartbeatMs);
    this.#heartbeat.unref();
    this.#state.set('open');
  }

  /** Whether `path` is a live video route (the HTTP server routes upgrades by path). */
  handles(path: string): boolean {
    return livePathCamera(path) !== null;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.state !== 'open') return refuse(socket, 503, 'Service Unavailable');
    const authenticate = this.#options.authenticate;
    const caller = authenticate ? authenticate(request) : null;
    if (authenticate && caller === null) {
      this.#options.logger.warn({ url: redactedUrl(request.url), remote: request.socket.remoteAddress }, 'live video upgrade refused: missing or invalid token');
      return refuse(socket, 401, 'Unauthorized', 'WWW-Authenticate: Bearer realm="vigil"\r\n');
    }
    const camera = livePathCamera((request.url ?? '').split('?')[0] ?? '');
    if (camera === null) return refuse(socket, 404, 'Not Found');
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, camera, caller));
  }

  /** A token was revoked or its expiry changed: its viewers end (4401) or follow the new expiry. */
  tokenChanged(change: TokenChange): number {
    return this.#access.tokenChanged(change);
  }

  /** A camera starts (LiveViews): its channel is where it reports and where it is asked to remux. */
  attach(camera: LiveCamera): LiveCameraSink {
    return this.#channel(camera.id).attach(camera);
  }

  async close(timeoutMs = 2000): Promise<void> {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    this.#stopHeartbeat();
    this.#access.clear();
    const sockets = [...this.#server.clients];
    for (const channel of this.#channels.values()) channel.closeAll(LIVE_CLOSE.goingAway, 'gateway shutting down');
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              ws.terminate();
              resolve();
            }, timeoutMs);
            ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(LIVE_CLOSE.goingAway, 'gateway shutting down');
          }),
      ),
    );
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  destroy(): void {
    this.#stopHeartbeat();
    this.#access.clear();
    for (const channel of this.#channels.values()) channel.dispose();
    for (const ws of this.#server.clients) ws.terminate();
    this.#server.close();
    this.#state.set('closed');
  }

  #channel(id: string): LiveChannel {
    let channel = this.#channels.get(id);
    if (channel) return channel;
    const created = new LiveChannel(id, {
      gopCacheBytes: this.#options.limits.gopCacheBytes,
      lingerMs: this.#options.lingerMs ?? 5000,
      describe: () => this.#options.describeCamera(id),
      onDecoderGap: () => this.#options.onDropped?.(id, 'decoder_backlog', 1),
      onIdle: () => {
        if (this.#channels.get(id) === created && created.idle) this.#channels.delete(id);
      },
    });
    this.#channels.set(id, created);
    return created;
  }

  #onConnection(ws: WebSocket, camera: string, caller: Caller | null): void {
    ws.on('error', (error) => this.#options.logger.debug({ err: error.message, camera }, 'live viewer socket error'));
    const refused = (code: number, errorCode: string, message: string, details?: Record<string, string | null>): void => {
      ws.send(errorMessage(errorCode, message, details));
      ws.close(code, errorCode);
    };
    if (this.#options.describeCamera(camera) === null) {
      this.#options.onRefused?.('not_found');
      return refused(LIVE_CLOSE.notFound, 'VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${camera}"`);
    }
    // A camera's packets exist only on the gateway decoding it: relaying video between gateways
    // would double its traffic and tie this viewer to two processes, so the viewer is sent there.
    const owner = this.#options.owner?.(camera) ?? null;
    if (owner) {
      this.#options.onRefused?.('elsewhere');
      const where = owner.url ? `${owner.url.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/cameras/${encodeURIComponent(camera)}/live` : null;
      return refused(LIVE_CLOSE.elsewhere, 'VIGIL_ERR_LIVE_ELSEWHERE', `camera "${camera}" runs on gateway "${owner.gateway}"${owner.url ? ` (${owner.url})` : ''}: watch it there`, { gateway: owner.gateway, url: owner.url, live: where });
    }
    const channel = this.#channel(camera);
    const admission = admitViewer(channel.viewers.size, this.viewerCount, this.#options.limits);
    if (!admission.ok) {
      this.#options.onRefused?.(admission.reason);
      this.#options.logger.warn({ camera, reason: admission.reason }, 'live viewer refused');
      if (channel.idle) this.#channels.delete(camera);
      return refused(LIVE_CLOSE.limit, 'VIGIL_ERR_LIVE_VIEWER_LIMIT', admission.message);
    }
    const sent = this.#options.bytesSent?.(camera) ?? (() => undefined);
    const viewer = new LiveViewer(ws, this.#options.limits.viewerBufferBytes, {
      sent,
      dropped: (reason, count) => this.#options.onDropped?.(camera, reason, count),
    });
    ws.on('pong', () => (viewer.awaitingPong = false));
    ws.on('close', () => {
      channel.remove(viewer);
      this.#options.onViewers?.(camera, channel.viewers.size);
    });
    channel.add(viewer);
    this.#access.hold(ws, caller);
    this.#options.onViewers?.(camera, channel.viewers.size);
    this.#options.logger.info({ camera, viewers: channel.viewers.size }, 'live viewer joined');
  }

  #checkHeartbeats(): void {
    for (const channel of this.#channels.values()) {
      for (const viewer of channel.viewers) {
        if (viewer.awaitingPong) {
          viewer.socket.terminate();
          continue;
        }
        viewer.awaitingPong = true;
        viewer.socket.ping();
      }
    }
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
