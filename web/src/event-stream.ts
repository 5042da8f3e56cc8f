import { getToken, tokenRequired } from './auth.js';
import { advanceCursor, eventStreamQuery, reconnectDelayMs, type ResumeCursor } from './event-store.js';
import type { ControlMessage, VigilEvent } from './types.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'stopped';

export interface EventStreamOptions {
  readonly types: readonly string[];
  readonly onEvent: (event: VigilEvent) => void;
  readonly onControl: (message: ControlMessage) => void;
  readonly onState: (state: ConnectionState, detail: string) => void;
}

/** Close codes the gateway uses (README "Consuming events"). */
const SLOW_CONSUMER = 4008;
const GOING_AWAY = 1001;
/** The token was revoked or has expired: asking for another is the only way on. */
const TOKEN_REVOKED = 4401;
/** The token's role was lowered: reconnect at once, with what it may still do. */
const TOKEN_LOWERED = 4403;

/**
 * The /v1/events WebSocket, kept open: reconnects with backoff and resumes from the last event
 * received (`since` + `run`), so a dropped connection or a slow-consumer close loses nothing the
 * gateway still holds (and a `gap` says what it no longer does).
 */
export class EventStream {
  readonly #options: EventStreamOptions;
  #socket: WebSocket | null = null;
  #cursor: ResumeCursor | null = null;
  #attempt = 0;
  #refusedInARow = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = true;
  /** Bumped by every start and stop, so the continuation of a socket from before ignores itself. */
  #generation = 0;

  constructor(options: EventStreamOptions) {
    this.#options = options;
  }

  get cursor(): ResumeCursor | null {
    return this.#cursor;
  }

  /** Connects (again), resuming after `cursor` when given (e.g. the end of the history just read). */
  start(cursor: ResumeCursor | null = this.#cursor): void {
    this.stop();
    this.#stopped = false;
    this.#generation += 1;
    this.#cursor = cursor;
    this.#attempt = 0;
    this.#refusedInARow = 0;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#generation += 1;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'page closing the stream');
    }
    this.#options.onState('stopped', '');
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${location.host}/v1/events${eventStreamQuery(this.#options.types, this.#cursor)}`;
    const token = getToken();
    // The token travels as a subprotocol, never in the URL (URLs end up in logs and history).
    const protocols = token ? ['vigil.events', `bearer.${token}`] : ['vigil.events'];
    this.#options.onState(this.#attempt === 0 ? 'connecting' : 'reconnecting', this.#attempt === 0 ? '' : `attempt ${this.#attempt + 1}`);
    let opened = false;
    const socket = new WebSocket(url, protocols);
    this.#socket = socket;
    socket.onopen = () => {
      opened = true;
      this.#attempt = 0;
      this.#refusedInARow = 0;
      this.#options.onState('live', '');
    };
    socket.onmessage = (message) => this.#receive(message.data);
    socket.onclose = (close) => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = null;
      void this.#closed(opened, close.code, token);
    };
  }

  #receive(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    if ('specversion' in message) {
      const event = message as unknown as VigilEvent;
      this.#cursor = advanceCursor(this.#cursor, event);
      this.#options.onEvent(event);
    } else if (typeof message.kind === 'string') {
      this.#options.onControl(message as unknown as ControlMessage);
    }
  }

  async #closed(opened: boolean, code: number, sentToken: string | null): Promise<void> {
    if (opened && code === TOKEN_REVOKED && sentToken === getToken()) {
      this.#options.onState('unauthorized', 'the token was revoked or has expired');
      tokenRequired('The gateway revoked this token (or it expired); give another.');
      return;
    }
    const generation = this.#generation;
    // A browser sees an HTTP 401 on the upgrade only as a failed connection, so ask the gateway.
    const refusal = opened ? 'down' : await refusalReason(sentToken);
    if (this.#stopped || generation !== this.#generation) return;
    if (sentToken !== getToken()) {
      // The user gave a (new) token while this socket was being refused: try with it at once.
      this.#connect();
      return;
    }
    if (refusal === 'token' || refusal === 'token?') this.#refusedInARow += 1;
    // 'token?': an older gateway without the events history route; a refusal then is almost
    // surely the token, but with a token stored, give a restarting gateway one more chance.
    if (refusal === 'token' || (refusal === 'token?' && (!getToken() || this.#refusedInARow >= 2))) {
      this.#options.onState('unauthorized', 'the gateway refused the event stream');
      tokenRequired(getToken() ? 'The gateway refused the event stream with this token.' : 'The gateway refused the event stream: it needs an access token.');
      return;
    }
    if (this.#stopped) return;
    // A slow-consumer close resumes at once (the history holds what was dropped); others back off.
    const delay = code === SLOW_CONSUMER || code === TOKEN_LOWERED ? 0 : reconnectDelayMs(this.#attempt, Math.random());
    this.#attempt += 1;
    const why = refusal === 'other' ? 'WebSocket upgrade refused (a proxy?)' : code === SLOW_CONSUMER ? 'too slow, resuming' : code === GOING_AWAY ? 'gateway restarting' : code === TOKEN_LOWERED ? "the token's role changed" : `closed (${code})`;
    this.#options.onState('reconnecting', `${why}; retrying in ${Math.ceil(delay / 1000)} s`);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#stopped) this.#connect();
    }, delay);
  }
}

/**
 * Why a WebSocket closed before it opened: the gateway is down, the token is missing or wrong
 * (the events history, same auth, answers 401), unknown on a gateway without that route
 * ('token?'), or something else refused the upgrade while the API works ('other').
 */
async function refusalReason(token: string | null): Promise<'down' | 'token' | 'token?' | 'other'> {
  try {
    if (!(await fetch('/healthz', { cache: 'no-store' })).ok) return 'down';
    const probe = await fetch('/v1/events?limit=1', { cache: 'no-store', headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (probe.status === 401) return 'token';
    if (probe.status === 404) return 'token?';
    return probe.ok ? 'other' : 'down';
  } catch {
    return 'down';
  }
}
