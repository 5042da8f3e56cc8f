export { createLogger, type Logger } from './logger';
export { Metrics, type CameraHealth } from './metrics';
