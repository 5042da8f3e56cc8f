export { createLogger, chooseLogFormat, type Logger, type LogFormat, type LogFormatSetting } from './logger';
export { Metrics, type CameraHealth } from './metrics';
