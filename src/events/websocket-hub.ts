import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from 'pino';
import { StateHolder, type Component } from '../lifecycle';
import type { EventSink, PublishedEvent } from './event-bus';
import { buildFilter, describeFilter, filterFromQuery, matches, type EventFilter } from './event-filter';
import type { CloudEvent } from './cloud-event';
import { HistoryRing } from './history-ring';
import { historyBytes, historyItem } from './history-item';
import { ClientSession, type SessionDrop, type SessionLimits } from './ws-session';
import { TOKEN_PROTOCOL_PREFIX, redactedUrl, type Caller, type TokenChange } from '../auth';
import { accessEnd, expiryDelay, type AccessEnd } from './ws-access';

export type HubState = 'idle' | 'open' | 'closed';

export interface WebSocketHubOptions {
  readonly logger: Logger;
  /** This run's id (the `vigilrun` attribute), told to resuming clients from another run. */
  readonly run: string;
  readonly limits?: Partial<SessionLimits>;
  readonly historyEvents?: number;
  readonly historyBytes?: number;
  readonly heartbeatMs?: number;
  /** Who the upgrade request is (its token), or null when refused; absent: everyone may subscribe. */
  readonly authenticate?: (request: IncomingMessage) => Caller | null;
  readonly onClientCount?: (count: number) => void;
  /** A client was disconnected by the server: `slow_consumer`, `heartbeat`, or its token `token_revoked`, `token_expired`, `token_lowered`. */
  readonly onDisconnect?: (reason: SessionDrop | 'heartbeat' | AccessEnd) => void;
}

/** Close code sent to subscribers when the gateway shuts down (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;

interface UpgradeContext {
  readonly filter: EventFilter;
  readonly since: number | null;
  readonly run: string | null;
  /** Cluster resume: the last offset received per partition of the events topic. */
  readonly position: Map<number, number> | null;
}

/** `position=P:O,P:O`: partition -> last offset received. Pure. */
export function parsePosition(text: string): Map<number, number> | null {
  const map = new Map<number, number>();
  for (const part of text.split(',').filter((p) => p.length > 0)) {
    const match = /^(\d{1,5}):(-1|\d{1,15})$/.exec(part);
    if (!match) return null;
    map.set(Number(match[1]), Number(match[2]));
  }
  return map;
}

function refuse(socket: Duplex, status: number, reason: string, extra = ''): void {
  const body = JSON.stringify({ error: reason });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/**
 * The WebSocket side of event delivery on /v1/events: per-client filters (query or subscribe
 * message), resume from a sequence out of a bounded history, bounded per-client send queues,
 * heartbeats, and token checks before the upgrade.
 */
export class WebSocketHub implements Component<HubState>, EventSink {
  readonly name = 'websocket';
  readonly #options: WebSocketHubOptions;
  readonly #limits: SessionLimits;
  readonly #state = new StateHolder<HubState>('idle');
  readonly #sessions = new Map<WebSocket, ClientSession>();
  readonly #history: HistoryRing<PublishedEvent>;
  readonly #server: WebSocketServer;
  #latest = 0;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(options: WebSocketHubOptions) {
    this.#options = options;
    this.#limits = { maxQueueMessages: 1000, maxQueueBytes: 4 * 1024 * 1024, socketHighWaterBytes: 256 * 1024, ...options.limits };
    this.#history = new HistoryRing(options.historyEvents ?? 10_000, options.historyBytes ?? 32 * 1024 * 1024);
    this.#server = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      // Browsers pass the token as a `bearer.TOKEN` subprotocol; answer with one of the others.
      handleProtocols: (protocols) => [...protocols].find((p) => !p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? false,
    });
  }

  get state(): HubState {
    return this.#state.state;
  }

  get clientCount(): number {
    return this.#sessions.size;
  }

  async start(): Promise<void> {
    if (this.state === 'open') return;
    this.#heartbeat = setInterval(() => this.#checkHeartbeats(), this.#options.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
    this.#state.set('open');
  }

  /** Takes over an HTTP upgrade for the events path: 401 without a valid token, 400 on bad parameters. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.state !== 'open') return refuse(socket, 503, 'Service Unavailable');
    const authenticate = this.#options.authenticate;
    const caller = authenticate ? authenticate(request) : null;
    if (authenticate && caller === null) {
      this.#options.logger.warn({ url: redactedUrl(request.url), remote: request.socket.remoteAddress }, 'WebSocket upgrade refused: missing or invalid token');
      return refuse(socket, 401, 'Unauthorized', 'WWW-Authenticate: Bearer realm="vigil"\r\n');
    }
    const context = this.#parseQuery(request.url);
    if (typeof context === 'string') return refuse(socket, 400, 'Bad Request', `X-Vigil-Error: ${context.replace(/[^\x20-\x7e]/g, '?')}\r\n`);
    this.#server.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, context, caller));
  }

  publish(published: PublishedEvent): void {
    const { event } = published;
    const sequence = published.position ?? event.sequence;
    this.#latest = sequence;
    const item = historyItem(published);
    this.#history.push(sequence, historyBytes(item), item);
    for (const session of this.#sessions.values()) session.offerEvent(published);
  }

  /** The newest sequence handed out in this run, and the run. */
  position(): { sequence: number; run: string } {
    return { sequence: this.#latest, run: this.#options.run };
  }

  /** This run's id (the `vigilrun` attribute of every event). */
  get run(): string {
    return this.#options.run;
  }

  /**
   * Recent events of this run matching `filter`, newest last: the newest `limit` of those after
   * `sinceSequence`/`sinceTime` and before `beforeSequence`. `truncated`: older ones matched too.
   */
  recent(filter: EventFilter, options: { sinceSequence?: number; sinceTime?: number; beforeSequence?: number; limit: number }): { events: CloudEvent[]; sequence: number; run: string; truncated: boolean } {
    const { entries } = this.#history.since(options.sinceSequence ?? 0, this.#latest);
    const events: CloudEvent[] = [];
    const matched: string[] = [];
    for (const entry of entries) {
      const event = entry.item.event;
      if (options.beforeSequence !== undefined && event.sequence >= options.beforeSequence) break;
      if (options.sinceTime !== undefined && Date.parse(event.time) < options.sinceTime) continue;
      if (matches(filter, event)) matched.push(entry.item.json);
    }
    // The history keeps JSON only: parse just the events answered.
    for (const json of matched.slice(-options.limit)) events.push(JSON.parse(json) as CloudEvent);
    return { events, sequence: this.#latest, run: this.#options.run, truncated: matched.length > options.limit };
  }

  /**
   * A token was revoked, lowered or given an earlier expiry: its open sockets are closed at once
   * (4401 revoked or expired, 4403 role lowered), or their expiry is moved. Returns how many closed.
   */
  tokenChanged(change: TokenChange): number {
    let closed = 0;
    for (const session of [...this.#sessions.values()]) {
      if (session.caller?.tokenId !== change.tokenId) continue;
      if (change.kind === 'expiry') {
        const expiresAt = change.entry?.expiresAt ? Date.parse(change.entry.expiresAt) : null;
        session.caller = { ...session.caller, expiresAt };
        this.#armExpiry(session);
        continue;
      }
      this.#end(session, change.kind === 'revoked' ? 'token_revoked' : 'token_lowered');
      closed += 1;
    }
    return closed;
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

  #parseQuery(url: string | undefined): UpgradeContext | string {
    const query = new URL(url ?? '/', 'http://x').searchParams;
    const filter = filterFromQuery(query);
    if (!filter.ok) return filter.error;
    const sinceText = query.get('since');
    if (sinceText !== null && !/^\d{1,15}$/.test(sinceText)) return 'since: must be a non-negative integer (the last sequence received)';
    const run = query.get('run');
    if (run !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(run)) return 'run: not a run id';
    const positionText = query.get('position');
    const position = positionText === null ? null : parsePosition(positionText);
    if (positionText !== null && position === null) return 'position: must be partition:offset pairs, comma-separated (from the events\' vigilpos)';
    return { filter: filter.filter, since: sinceText === null ? null : Number(sinceText), run, position };
  }

  #onConnection(socket: WebSocket, context: UpgradeContext, caller: Caller | null): void {
    const session = new ClientSession(socket, context.filter, this.#limits, (s, reason) => this.#onDrop(s, reason));
    session.caller = caller;
    this.#sessions.set(socket, session);
    this.#armExpiry(session);
    socket.on('pong', () => (session.missedPongs = 0));
    socket.on('error', (error) => this.#options.logger.debug({ err: error.message }, 'websocket client error'));
    socket.on('message', (data, isBinary) => this.#onMessage(session, isBinary ? null : String(data)));
    socket.on('close', () => {
      session.dispose();
      if (this.#sessions.delete(socket)) this.#options.onClientCount?.(this.#sessions.size);
    });
    this.#options.onClientCount?.(this.#sessions.size);
    // Replay before any live event can reach the session (both happen on this one thread).
    if (context.position !== null) this.#resumeAt(session, context.position);
    else if (context.since !== null) this.#resume(session, context.since, context.run);
  }

  /**
   * Cluster resume: every held event after the client's offset in its partition (a partition it
   * names no offset for: every held event of it, so nothing is missed; deduplicate on source + id).
   * Every gateway reads the same events topic, so this works on any of them.
   */
  #resumeAt(session: ClientSession, position: ReadonlyMap<number, number>): void {
    const { entries } = this.#history.since(0, this.#latest);
    const oldest = new Map<number, number>();
    for (const entry of entries) {
      const cursor = entry.item.cursor;
      if (cursor && !oldest.has(cursor.partition)) oldest.set(cursor.partition, cursor.offset);
    }
    for (const [partition, offset] of position) {
      const first = oldest.get(partition);
      if (first !== undefined && first > offset + 1) session.send(JSON.stringify({ kind: 'gap', reason: 'history_exhausted', partition, from: offset + 1, to: first - 1 }));
    }
    for (const entry of entries) {
      const cursor = entry.item.cursor;
      if (cursor && cursor.offset <= (position.get(cursor.partition) ?? -1)) continue;
      if (!session.offerEvent(entry.item)) return;
    }
  }

  #resume(session: ClientSession, since: number, run: string | null): void {
    // A different run, or a sequence this run never reached, means the gateway restarted: whatever
    // the client saw belongs to the old run, so everything of this run is new to it.
    const otherRun = (run !== null && run !== this.#options.run) || since > this.#latest;
    const result = this.#history.since(otherRun ? 0 : since, this.#latest);
    if (!result.complete) {
      session.send(JSON.stringify({ kind: 'gap', reason: otherRun ? 'run_changed' : 'history_exhausted', run: this.#options.run, from: result.from, to: result.to }));
    } else if (otherRun) {
      session.send(JSON.stringify({ kind: 'notice', code: 'run_changed', run: this.#options.run, message: 'the gateway restarted; every event of the new run follows' }));
    }
    for (const entry of result.entries) if (!session.offerEvent(entry.item)) return;
  }

  #onMessage(session: ClientSession, text: string | null): void {
    let message: unknown;
    try {
      message = text === null ? null : JSON.parse(text);
    } catch {
      message = null;
    }
    const m = message as { action?: unknown; camera?: unknown; type?: unknown; identity?: unknown } | null;
    if (!m || typeof m !== 'object' || m.action !== 'subscribe') {
      session.send(JSON.stringify({ kind: 'error', code: 'VIGIL_ERR_WS_BAD_MESSAGE', message: 'expected {"action":"subscribe","camera":[...],"type":[...],"identity":[...]}' }));
      return;
    }
    const asList = (v: unknown): unknown[] | undefined => (v === undefined || v === null ? undefined : Array.isArray(v) ? v : [v]);
    const fields: { camera?: unknown[]; type?: unknown[]; identity?: unknown[] } = {};
    const camera = asList(m.camera);
    const type = asList(m.type);
    const identity = asList(m.identity);
    if (camera) fields.camera = camera;
    if (type) fields.type = type;
    if (identity) fields.identity = identity;
    const result = buildFilter(fields);
    if (!result.ok) {
      session.send(JSON.stringify({ kind: 'error', code: 'VIGIL_ERR_WS_BAD_MESSAGE', message: result.error }));
      return;
    }
    session.filter = result.filter;
    session.send(JSON.stringify({ kind: 'subscribed', filter: describeFilter(result.filter), sequence: this.#latest, run: this.#options.run }));
  }

  #onDrop(session: ClientSession, reason: SessionDrop): void {
    this.#options.logger.warn({ reason }, 'WebSocket subscriber dropped: it could not keep up');
    this.#options.onDisconnect?.(reason);
    if (this.#sessions.delete(session.socket)) this.#options.onClientCount?.(this.#sessions.size);
  }

  /** Ends the session when its token expires (re-armed when the expiry is beyond one timer's reach). */
  #armExpiry(session: ClientSession): void {
    session.clearExpiry();
    const delay = expiryDelay(session.caller?.expiresAt ?? null, Date.now());
    if (delay === null) return;
    session.expiryTimer = setTimeout(() => {
      if (session.closed) return;
      if (Date.now() >= (session.caller?.expiresAt ?? Infinity)) this.#end(session, 'token_expired');
      else this.#armExpiry(session);
    }, delay);
    session.expiryTimer.unref();
  }

  /** The server ends a session for its token: nothing more is sent, the close frame says why. */
  #end(session: ClientSession, reason: AccessEnd): void {
    const { code, text } = accessEnd(reason);
    session.dispose();
    if (this.#sessions.delete(session.socket)) this.#options.onClientCount?.(this.#sessions.size);
    this.#options.logger.info({ reason }, 'WebSocket subscriber disconnected: its token no longer allows it');
    this.#options.onDisconnect?.(reason);
    session.socket.close(code, text);
  }

  #checkHeartbeats(): void {
    for (const session of this.#sessions.values()) {
      if (session.missedPongs > 0) {
        this.#options.onDisconnect?.('heartbeat');
        session.socket.terminate();
        continue;
      }
      session.missedPongs++;
      session.socket.ping();
    }
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
