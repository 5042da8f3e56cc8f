import { loadConfig, parseConfig, readEnv, readLogFormat, type Config } from '../config';
import { isVigilError } from '../errors';
import { chooseLogFormat, createLogger, type Logger } from '../observability';

/**
 * Commands that do not run the gateway still honour the streams file's settings when there is one.
 * Camera passwords referenced as ${VAR} need not be set for them: they never open a camera.
 */
export function configForTools(): Config {
  try {
    return loadConfig(process.env, process.cwd(), { unsetAsEmpty: true });
  } catch (error) {
    if (isVigilError(error) && error.code === 'VIGIL_ERR_CONFIG_NOT_FOUND' && !process.env.VIGIL_CONFIG) {
      const env = readEnv(process.env, process.cwd());
      return { ...parseConfig({}, 'defaults'), env, baseDir: process.cwd(), instanceId: 'cli' };
    }
    throw error;
  }
}

/** The tools' logger: warnings and errors on stderr (stdout carries the command's output), pretty on a terminal. */
export function toolLogger(): Logger {
  return createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr, chooseLogFormat(readLogFormat(process.env), process.stderr.isTTY));
}
