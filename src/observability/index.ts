export { createLogger, chooseLogFormat, type Logger, type LogFormat, type LogFormatSetting } from './logger';
export { Metrics, EVENT_LOOP_SAMPLE_MS, type CameraHealth } from './metrics';
export { inferenceMetrics, busMetrics, websocketMetrics, kafkaMetrics, webhookMetrics, mqttMetrics, liveMetrics, historyMetrics } from './component-metrics';
export { readiness, kafkaReadiness, type ComponentReadiness, type KafkaReadinessInput, type ReadinessInput } from './readiness';
export { processCpuSeconds } from './process-cpu';
export { createTracer, idOnlyTracer, randomHex, traceparent, type FrameTrace, type SpanAttributes, type TraceIds, type Tracer, type TracingSettings } from './tracing';
