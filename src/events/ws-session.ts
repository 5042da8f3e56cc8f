import { WebSocket } from 'ws';
import type { Caller } from '../auth';
import { matches, type EventFilter } from './event-filter';
import type { PublishedEvent } from './event-bus';

/** Close code for a subscriber that could not keep up (private range, documented in the README). */
export const CLOSE_SLOW_CONSUMER = 4008;

export interface SessionLimits {
  /** Messages waiting for one client, beyond what the socket holds, before it is dropped. */
  readonly maxQueueMessages: number;
  readonly maxQueueBytes: number;
  /** Bytes the socket may hold unsent before further messages wait in our queue. */
  readonly socketHighWaterBytes: number;
}

/** Why a session ended on the server's initiative. */
export type SessionDrop = 'slow_consumer';

/**
 * One subscriber: its filter and its bounded send queue. Messages go to the socket only while the
 * socket holds less than a high-water mark, so a client that stops reading fills our queue (which
 * is bounded and measured) rather than the process memory. Past half the limit the client gets a
 * `notice`; past the limit the queue is discarded and the client is closed with 4008. Nothing here
 * waits on one client, so others are never delayed.
 */
export class ClientSession {
  readonly socket: WebSocket;
  filter: EventFilter;
  readonly #limits: SessionLimits;
  readonly #onDrop: (session: ClientSession, reason: SessionDrop) => void;
  readonly #queue: string[] = [];
  #queueBytes = 0;
  #noticeSent = false;
  #closed = false;
  /** Consecutive heartbeats without a pong. */
  missedPongs = 0;
  /** Who opened the session (its token), null when the hub checks no tokens. */
  caller: Caller | null = null;
  /** Ends the session when its token expires. */
  expiryTimer: NodeJS.Timeout | null = null;
  readonly #afterSend = (): void => this.#pump();

  constructor(socket: WebSocket, filter: EventFilter, limits: SessionLimits, onDrop: (session: ClientSession, reason: SessionDrop) => void) {
    this.socket = socket;
    this.filter = filter;
    this.#limits = limits;
    this.#onDrop = onDrop;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get queuedMessages(): number {
    return this.#queue.length;
  }

  get queuedBytes(): number {
    return this.#queueBytes;
  }

  /** Sends the event if it passes the filter. Returns false when the client was dropped. */
  offerEvent(published: PublishedEvent): boolean {
    if (!matches(this.filter, published.event)) return true;
    return this.send(published.json);
  }

  /** Queues one message (an event or a control message); never blocks. */
  send(json: string): boolean {
    if (this.#closed) return false;
    if (this.#queue.length === 0 && this.socket.bufferedAmount < this.#limits.socketHighWaterBytes) {
      this.socket.send(json, this.#afterSend);
      return true;
    }
    this.#queue.push(json);
    this.#queueBytes += Buffer.byteLength(json);
    const { maxQueueMessages, maxQueueBytes } = this.#limits;
    if (this.#queue.length > maxQueueMessages || this.#queueBytes > maxQueueBytes) {
      this.#drop('slow_consumer');
      return false;
    }
    if (!this.#noticeSent && (this.#queue.length > maxQueueMessages / 2 || this.#queueBytes > maxQueueBytes / 2)) {
      this.#noticeSent = true;
      // Queued like any message, so the client reads it in order, right before what it may lose.
      this.#queue.push(JSON.stringify({ kind: 'notice', code: 'slow_consumer', message: 'not reading fast enough; will be disconnected with code 4008 if the queue fills', queuedMessages: this.#queue.length, maxQueueMessages, maxQueueBytes }));
    }
    return true;
  }

  clearExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  /** The socket went away: forget the queue. */
  dispose(): void {
    this.clearExpiry();
    this.#closed = true;
    this.#queue.length = 0;
    this.#queueBytes = 0;
  }

  #pump(): void {
    while (!this.#closed && this.#queue.length > 0 && this.socket.readyState === WebSocket.OPEN && this.socket.bufferedAmount < this.#limits.socketHighWaterBytes) {
      const json = this.#queue.shift() as string;
      this.#queueBytes -= Buffer.byteLength(json);
      this.socket.send(json, this.#afterSend);
    }
    if (this.#queue.length === 0) this.#noticeSent = false;
  }

  #drop(reason: SessionDrop): void {
    const discarded = this.#queue.length;
    this.dispose();
    // Straight to the socket, past the high-water mark: the client reads it right before the close.
    this.socket.send(JSON.stringify({ kind: 'notice', code: 'slow_consumer', message: 'send queue full: disconnecting with code 4008; reconnect with ?since=<last sequence> to resume', discarded }));
    // The close frame follows what the socket already holds; ws terminates the socket if the
    // client never answers it.
    this.socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer: send queue full');
    this.#onDrop(this, reason);
  }
}
