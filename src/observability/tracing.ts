import { randomFillSync } from 'node:crypto';
import type { Logger } from 'pino';

/**
 * Tracing of the frame path. Every analysed frame gets a W3C trace id (32 hex digits), carried into
 * the events made from it (the CloudEvents `traceparent` extension attribute) and into log lines
 * about it (`traceId`). Spans are exported with OpenTelemetry (OTLP/HTTP) only when configured:
 * off, nothing of the OpenTelemetry SDK is loaded and a frame costs its two ids, nothing more.
 */

/** Where spans go: OTLP/HTTP (JSON) to `url`. Null: tracing is off. */
export interface TracingSettings {
  readonly url: string;
  readonly serviceName: string;
  /** OTEL_TRACES_SAMPLER: always_on, always_off, traceidratio, parentbased_* (default parentbased_always_on). */
  readonly sampler: string;
  readonly samplerArg: number | undefined;
}

/** The ids of a frame's trace (and of the span an event or log line belongs to). */
export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  /** W3C trace-flags: whether the span is recorded (exported). */
  readonly sampled: boolean;
}

/** `00-<trace id>-<span id>-<flags>`: the W3C traceparent header value. Pure. */
export function traceparent(ids: TraceIds): string {
  return `00-${ids.traceId}-${ids.spanId}-${ids.sampled ? '01' : '00'}`;
}

/** Attributes of a span (strings, numbers, booleans). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** One analysed frame's trace, from the frame read off the decoder (its root span starts then) to its analysis done. */
export interface FrameTrace {
  readonly ids: TraceIds;
  /** A finished step of the frame (`detect`, `recognize`), recorded when exporting. Times in ms since the epoch. */
  step(name: string, startedAt: number, endedAt: number, attributes?: SpanAttributes): void;
  /**
   * An event made from this frame is about to be published: the ids it carries (`traceparent`).
   * Exporting, a `create <type>` producer span (CloudEvents semantic conventions); else the frame's.
   */
  event(type: string, id: string, source: string, subject: string): TraceIds;
  /** The frame's analysis is done (or failed: `error`). */
  end(endedAt: number, error?: string): void;
}

export interface Tracer {
  /** Whether spans are exported. */
  readonly exporting: boolean;
  frame(camera: string, seq: number, capturedAt: number): FrameTrace;
  /** Sends what is buffered, within `timeoutMs`, and stops. */
  close(timeoutMs?: number): Promise<void>;
}

/** Random bytes are drawn in bulk: one syscall per ~170 frames, not two per frame. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;

/** `bytes` random bytes as lowercase hex, never all zero (an invalid W3C id). */
export function randomHex(bytes: number): string {
  for (;;) {
    if (poolAt + bytes > POOL_BYTES) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const hex = pool.toString('hex', poolAt, poolAt + bytes);
    poolAt += bytes;
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** Tracing off: ids only, nothing recorded. */
class IdOnlyFrame implements FrameTrace {
  readonly ids: TraceIds = { traceId: randomHex(16), spanId: randomHex(8), sampled: false };
  step(): void {}
  event(): TraceIds {
    return this.ids;
  }
  end(): void {}
}

export const idOnlyTracer: Tracer = {
  exporting: false,
  frame: () => new IdOnlyFrame(),
  close: () => Promise.resolve(),
};

export interface TracerOptions {
  readonly settings: TracingSettings | null;
  /** service.instance.id and service.version of the spans' resource. */
  readonly instanceId: string;
  readonly version: string;
  readonly logger: Logger;
}

/**
 * The tracer for the settings: ids only when tracing is off; else OpenTelemetry's SDK with an OTLP
 * exporter, loaded here and only here (require at first use, so a gateway without tracing never
 * loads it).
 */
export function createTracer(options: TracerOptions): Tracer {
  if (options.settings === null) return idOnlyTracer;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { otelTracer } = require('./otel-export') as typeof import('./otel-export');
  return otelTracer({ ...options, settings: options.settings });
}
