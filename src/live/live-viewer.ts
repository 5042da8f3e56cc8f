import { WebSocket } from 'ws';
import { MEDIA_INIT, MEDIA_KEY, type MediaSegment } from '../ingest';
import { NEW_VIEWER, decideSegment, type ViewerState } from './viewer-policy';
import { skippedMessage } from './live-wire';

/** What a viewer reports to its channel (the metrics). */
export interface ViewerCounters {
  sent(bytes: number): void;
  dropped(reason: 'slow_viewer', segments: number): void;
}

/**
 * One browser watching one camera: its socket and where it is in the stream (viewer-policy.ts).
 * Nothing is queued here: a segment is written to the socket or dropped, so a viewer holds at most
 * `bufferBytes` (plus one segment) of the gateway's memory, however slow it reads.
 */
export class LiveViewer {
  readonly socket: WebSocket;
  readonly #bufferBytes: number;
  readonly #counters: ViewerCounters;
  #state: ViewerState = NEW_VIEWER;
  /** Missed the last heartbeat's pong. */
  awaitingPong = false;

  constructor(socket: WebSocket, bufferBytes: number, counters: ViewerCounters) {
    this.socket = socket;
    this.#bufferBytes = bufferBytes;
    this.#counters = counters;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** The stream (re)starts: wait for its init segment. */
  restart(): void {
    this.#state = NEW_VIEWER;
  }

  /** A control message (JSON); dropped for a viewer whose socket is full (it is behind on video anyway). */
  text(json: string, always = false): void {
    if (!this.open || (!always && this.socket.bufferedAmount > this.#bufferBytes)) return;
    this.socket.send(json);
  }

  segment(segment: MediaSegment): void {
    if (!this.open) return;
    const info = { init: (segment.flags & MEDIA_INIT) !== 0, key: (segment.flags & MEDIA_KEY) !== 0, bytes: segment.payload.length };
    const decision = decideSegment(this.#state, info, this.socket.bufferedAmount, this.#bufferBytes);
    this.#state = decision.state;
    if (decision.dropped) this.#counters.dropped('slow_viewer', 1);
    if (!decision.send) return;
    if (decision.resumed) this.socket.send(skippedMessage(decision.resumed.segments, decision.resumed.bytes));
    this.socket.send(segment.payload, { binary: true });
    this.#counters.sent(segment.payload.length);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code, reason.slice(0, 120));
  }
}
