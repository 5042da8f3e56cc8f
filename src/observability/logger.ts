import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout (pino). Secrets are redacted at their source (CameraUrl, token types); the
 * paths below are a second line of defence for fields that must never be printed whole.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'vigil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'password', '*.password'], censor: '***' },
  };
  return destination ? pino(options, destination) : pino(options);
}
