import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Span, type Tracer as OtelTracer } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { FrameTrace, SpanAttributes, TraceIds, Tracer, TracerOptions, TracingSettings } from './tracing';

/**
 * The one door to OpenTelemetry's SDK, loaded only when tracing is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT). Spans of a frame: `frame` (root, from the frame read off the
 * decoder to its analysis done), its steps (`detect`, `recognize`), and one producer span per event
 * made from it (`create vigil.face.recognized`, the CloudEvents semantic conventions), whose
 * context the event carries as `traceparent`. Exported in batches over OTLP/HTTP (JSON).
 */

/** OTEL_TRACES_SAMPLER as the OpenTelemetry specification names its values. Pure. */
export function samplerFor(settings: Pick<TracingSettings, 'sampler' | 'samplerArg'>): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.samplerArg ?? 1);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function idsOf(span: Span): TraceIds {
  const context = span.spanContext();
  return { traceId: context.traceId, spanId: context.spanId, sampled: (context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED };
}

class ExportedFrame implements FrameTrace {
  readonly ids: TraceIds;
  readonly #tracer: OtelTracer;
  readonly #root: Span;

  constructor(tracer: OtelTracer, camera: string, seq: number, capturedAt: number) {
    this.#tracer = tracer;
    this.#root = tracer.startSpan('frame', { startTime: capturedAt, attributes: { 'vigil.camera': camera, 'vigil.frame.seq': seq } }, ROOT_CONTEXT);
    this.ids = idsOf(this.#root);
  }

  step(name: string, startedAt: number, endedAt: number, attributes?: SpanAttributes): void {
    if (!this.ids.sampled) return;
    this.#tracer.startSpan(name, { startTime: startedAt, ...(attributes && { attributes }) }, trace.setSpan(ROOT_CONTEXT, this.#root)).end(endedAt);
  }

  event(type: string, id: string, source: string, subject: string): TraceIds {
    const span = this.#tracer.startSpan(
      `create ${type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: { 'cloudevents.event_id': id, 'cloudevents.event_type': type, 'cloudevents.event_source': source, 'cloudevents.event_subject': subject, 'cloudevents.event_spec_version': '1.0' },
      },
      trace.setSpan(ROOT_CONTEXT, this.#root),
    );
    // The event is published right after this: the span marks the moment it was made.
    span.end();
    return idsOf(span);
  }

  end(endedAt: number, error?: string): void {
    if (error !== undefined) this.#root.setStatus({ code: SpanStatusCode.ERROR, message: error });
    this.#root.end(endedAt);
  }
}

export function otelTracer(options: TracerOptions & { settings: TracingSettings }): Tracer {
  const { settings, logger } = options;
  const exporter = new OTLPTraceExporter({ url: settings.url, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': options.instanceId, 'service.version': options.version }),
    sampler: samplerFor(settings),
    // Bounded: at most 4096 spans wait; beyond, spans are dropped rather than memory growing.
    spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer('vigil', options.version);
  logger.info({ url: settings.url, sampler: settings.sampler, serviceName: settings.serviceName }, 'exporting traces with OpenTelemetry (OTLP/HTTP)');
  let closed = false;
  return {
    exporting: true,
    frame: (camera, seq, capturedAt) => new ExportedFrame(tracer, camera, seq, capturedAt),
    close: async (timeoutMs = 2000) => {
      if (closed) return;
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([provider.shutdown().catch((error: unknown) => logger.warn({ err: String(error) }, 'sending the last spans failed')), timeout]);
      clearTimeout(timer);
    },
  };
}
