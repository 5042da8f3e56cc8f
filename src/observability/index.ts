export { createLogger, chooseLogFormat, type Logger, type LogFormat, type LogFormatSetting } from './logger';
export { Metrics, type CameraHealth } from './metrics';
export { inferenceMetrics, busMetrics, websocketMetrics, kafkaMetrics, webhookMetrics, mqttMetrics } from './component-metrics';
export { readiness, kafkaReadiness, type ComponentReadiness, type KafkaReadinessInput, type ReadinessInput } from './readiness';
export { processCpuSeconds } from './process-cpu';
export { createTracer, idOnlyTracer, randomHex, traceparent, type FrameTrace, type SpanAttributes, type TraceIds, type Tracer, type TracingSettings } from './tracing';
