import pino, { type Logger } from 'pino';
import { prettyDestination } from './pretty';

export type { Logger };

/** `json`: one JSON object a line (for collectors); `pretty`: for people at a terminal. */
export type LogFormat = 'json' | 'pretty';
/** LOG_FORMAT: `auto` (unset) picks pretty on a terminal and JSON otherwise. */
export type LogFormatSetting = LogFormat | 'auto';

/** The format to write to a stream: forced by LOG_FORMAT, else pretty only for a terminal. */
export function chooseLogFormat(setting: LogFormatSetting, isTTY: boolean | undefined): LogFormat {
  if (setting !== 'auto') return setting;
  return isTTY === true ? 'pretty' : 'json';
}

/**
 * pino logs: JSON by default, or pretty (pino-pretty) when `format` says so. Secrets are redacted
 * at their source (CameraUrl, token types); the paths below are a second line of defence for
 * fields that must never be printed whole, in both formats (redaction happens before formatting).
 * Without a destination, logs go to stdout.
 */
export function createLogger(level: string, destination?: pino.DestinationStream | NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'vigil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'password', '*.password'], censor: '***' },
  };
  if (format === 'pretty') {
    const target = destination === undefined ? 1 : destination === process.stderr ? 2 : destination === process.stdout ? 1 : (destination as NodeJS.WritableStream);
    const tty = typeof target === 'number' ? (target === 1 ? process.stdout.isTTY : process.stderr.isTTY) : (target as { isTTY?: boolean }).isTTY;
    return pino(options, prettyDestination(target, tty === true));
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
