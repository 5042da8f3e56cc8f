import WebSocket from 'ws';

export interface LatencyStats {
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** The per-frame event: its `time` is when the frame was read off ffmpeg. */
export const DETECTED = 'vigil.face.detected';

/**
 * A /v1/events subscriber that measures frame-to-event latency: the time an event reaches this
 * client minus its `time`, the moment the gateway read the frame off ffmpeg. Both clocks are this
 * machine's, so no clock skew enters. Only events received inside the measuring window count.
 */
export class EventRecorder {
  readonly #socket: WebSocket;
  readonly #latencies: number[] = [];
  #measuring = false;
  #parseErrors = 0;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => this.#onMessage(data.toString()));
  }

  /** `baseUrl` is the gateway's ws:// events URL; only per-frame events are asked for. */
  static connect(baseUrl: string): Promise<EventRecorder> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${baseUrl}?type=${DETECTED}`);
      socket.once('open', () => resolve(new EventRecorder(socket)));
      socket.once('error', reject);
    });
  }

  startMeasuring(): void {
    this.#measuring = true;
  }

  stopMeasuring(): LatencyStats {
    this.#measuring = false;
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return { events: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
  }

  /** Events whose JSON or `time` could not be read (should stay 0). */
  get parseErrors(): number {
    return this.#parseErrors;
  }

  close(): void {
    this.#socket.terminate();
  }

  #onMessage(text: string): void {
    const receivedAt = Date.now();
    if (!this.#measuring) return;
    let captured = Number.NaN;
    try {
      const message = JSON.parse(text) as { time?: string; type?: string; specversion?: string; kind?: string };
      // Control messages (`kind`, no `specversion`) and other event types carry no frame time.
      if (message.specversion === undefined || message.type !== DETECTED) return;
      captured = Date.parse(message.time ?? '');
    } catch {
      // Counted below.
    }
    if (Number.isNaN(captured)) this.#parseErrors += 1;
    else this.#latencies.push(receivedAt - captured);
  }
}
