import { parseArgs } from 'node:util';
import { loadConfig, parseConfig, readEnv, type Config } from '../config';
import { isVigilError } from '../errors';
import { createLogger } from '../observability';
import { serve } from '../main';
import { detectImages, formatDetection } from './detect';
import { tailEvents } from './events';

const USAGE = `Usage: vigil <command> [options]

Commands:
  serve                      run the gateway (what \`npm start\` runs)
  detect <image>... [--json] find faces in image files; --json prints one JSON object per image,
                             in the same data shape as events (frame size, boxes in pixels, scores)
  events [--url WS_URL] [--json]
                             print a running gateway's events as they arrive (default URL from
                             VIGIL_HOST/VIGIL_PORT: ws://127.0.0.1:8080/v1/events)

Environment: VIGIL_CONFIG, VIGIL_PORT, VIGIL_HOST, VIGIL_DATA_DIR, KAFKA_BROKERS,
VIGIL_KAFKA_TOPIC, LOG_LEVEL, FFMPEG_PATH (see README.md).`;

/** Commands that do not run the gateway still honour the streams file's settings when there is one. */
function configForTools(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (isVigilError(error) && error.code === 'VIGIL_ERR_CONFIG_NOT_FOUND' && !process.env.VIGIL_CONFIG) {
      const env = readEnv(process.env, process.cwd());
      return { ...parseConfig({}, 'defaults'), env, baseDir: process.cwd(), instanceId: 'cli' };
    }
    throw error;
  }
}

async function detect(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length === 0) {
    process.stderr.write('vigil detect: give at least one image file\n');
    return 2;
  }
  const config = configForTools();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
  const results = await detectImages(positionals, config, logger);
  for (const result of results) process.stdout.write(`${values.json ? JSON.stringify(result) : formatDetection(result)}\n`);
  return 0;
}

async function events(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { url: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const env = readEnv(process.env, process.cwd());
  const host = env.host === '0.0.0.0' || env.host === '::' ? '127.0.0.1' : env.host;
  return tailEvents(values.url ?? `ws://${host}:${env.port}/v1/events`, values.json ?? false);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve();
        return;
      case 'detect':
        process.exitCode = await detect(rest);
        return;
      case 'events':
        process.exitCode = await events(rest);
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exitCode = command === undefined ? 2 : 0;
        return;
      default:
        process.stderr.write(`vigil: unknown command "${command}"\n\n${USAGE}\n`);
        process.exitCode = 2;
    }
  } catch (error) {
    const message = isVigilError(error) ? `${error.message} [${error.code}]` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`vigil ${command}: ${message}\n`);
    process.exitCode = 1;
  }
}
