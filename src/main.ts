import { loadConfig } from './config';
import { isVigilError } from './errors';
import { killAllDecoders } from './ingest';
import { chooseLogFormat, createLogger } from './observability';
import { App } from './app';

/** Bounded shutdown: past this, the process exits anyway (children are killed on exit). */
const SHUTDOWN_LIMIT_MS = 15_000;

/**
 * `vigil serve`: the process around the App. Loads configuration, starts the gateway, and turns
 * SIGINT/SIGTERM into a graceful stop. Every crash path it can catch kills the ffmpeg children.
 * Exit codes: 0 clean stop, 1 crash, 2 bad configuration, 3 start-up failure.
 */
export async function serve(): Promise<void> {
  // Registered first: whatever happens next, no ffmpeg outlives this process.
  process.on('exit', killAllDecoders);

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`vigil: ${isVigilError(error) ? error.message : String(error)}\n`);
    process.exit(2);
  }
  // JSON for collectors; pino-pretty when stdout is a terminal (LOG_FORMAT forces either).
  const logger = createLogger(config.env.logLevel, undefined, chooseLogFormat(config.env.logFormat, process.stdout.isTTY));
  const app = new App(config, logger);

  const crash = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, kind);
    app.destroy();
    killAllDecoders();
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled promise rejection'));

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      app.destroy();
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error('graceful stop took too long; exiting');
      app.destroy();
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    app.close().then(
      () => process.exit(0),
      crash('stop failed'),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // SIGHUP: apply streams.yaml changes now (the file is also watched unless api.watchConfig is false).
  process.on('SIGHUP', () => {
    if (!stopping) void app.reloadConfig('SIGHUP');
  });

  try {
    await app.start();
  } catch (error) {
    logger.fatal({ err: isVigilError(error) ? error.toJSON() : String(error) }, 'gateway failed to start');
    app.destroy();
    process.exit(3);
  }
}
