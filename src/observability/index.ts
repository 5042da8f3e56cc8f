export { createLogger, chooseLogFormat, type Logger, type LogFormat, type LogFormatSetting } from './logger';
export { Metrics, type CameraHealth } from './metrics';
export { inferenceMetrics, busMetrics, websocketMetrics, kafkaMetrics, webhookMetrics, mqttMetrics, historyMetrics } from './component-metrics';
export { readiness, type ComponentReadiness, type ReadinessInput } from './readiness';
export { processCpuSeconds } from './process-cpu';
