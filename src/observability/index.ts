export { createLogger, type Logger } from './logger';
export { Metrics } from './metrics';
