import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { App } from '../../src/app';
import { parseConfig, readEnv, type Config } from '../../src/config';
import { createLogger } from '../../src/observability';

export const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef',
  operator: 'operator-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef0',
} as const;

export interface TestApp {
  readonly app: App;
  readonly dir: string;
  readonly configPath: string;
  /** Every log line the app wrote, raw. */
  readonly logs: string[];
  request(options: InjectOptions & { as?: keyof typeof TOKENS | null }): Promise<LightMyRequestResponse>;
  writeConfig(document: object): void;
  stop(): Promise<void>;
}

/** Builds a config exactly as `vigil serve` would, from a streams document and environment variables. */
export function testConfig(document: object, env: Record<string, string>): Config {
  const e = readEnv(env, process.cwd());
  const file = parseConfig(document, e.configPath);
  return { ...file, env: e, baseDir: dirname(e.configPath), instanceId: 'gw-test' };
}

/**
 * The real App (real models, SQLite, sharp, ffmpeg for cameras), started in this process with the
 * three test tokens; requests go through fastify's inject() with the role's token.
 */
export async function startTestApp(document: object, options: { env?: Record<string, string>; dir?: string; modelsDir?: string } = {}): Promise<TestApp> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const configPath = join(dir, 'streams.yaml');
  const writeConfig = (doc: object): void => writeFileSync(configPath, stringify(doc));
  writeConfig(document);
  const env = {
    VIGIL_CONFIG: configPath,
    VIGIL_PORT: '0',
    VIGIL_HOST: '127.0.0.1',
    VIGIL_DATA_DIR: join(dir, 'data'),
    VIGIL_TOKENS: `viewer:${TOKENS.viewer},operator:${TOKENS.operator},admin:${TOKENS.admin}`,
    ...options.env,
  };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter((l) => l.length > 0));
      done();
    },
  });
  const app = new App(testConfig(document, env), createLogger('debug', sink), options.modelsDir === undefined ? {} : { modelsDir: options.modelsDir });
  try {
    await app.start();
  } catch (error) {
    // Nothing it started may outlive it (closed, not destroyed: this process goes on, and a worker
    // thread terminated in the middle of a native call can take the process down).
    await app.close();
    throw error;
  }
  return {
    app,
    dir,
    configPath,
    logs,
    writeConfig,
    request: ({ as = 'admin', ...rest }) => {
      const headers = { ...(rest.headers ?? {}), ...(as ? { authorization: `Bearer ${TOKENS[as]}` } : {}) };
      return app.http.fastify.inject({ ...rest, headers });
    },
    stop: () => app.close(),
  };
}
