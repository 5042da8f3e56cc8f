import pino from 'pino';
import { prettyFactory } from 'pino-pretty';

/**
 * Human-readable log lines for a terminal, formatted in this thread and written synchronously.
 * pino-pretty's own stream (or pino's transport) hands lines to a pipeline or a worker thread,
 * and `process.exit()` right after the gateway's last line ("Vigil stopped") would drop what is
 * still in flight; a synchronous write loses nothing and leaves no thread behind.
 */
export function prettyDestination(target: number | NodeJS.WritableStream, colorize: boolean): pino.DestinationStream {
  const pretty = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  const out: { write(text: string): unknown } = typeof target === 'number' ? pino.destination({ dest: target, sync: true }) : target;
  return {
    write(line: string): void {
      out.write(pretty(line));
    },
  };
}
