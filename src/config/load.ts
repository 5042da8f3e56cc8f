import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hostname } from 'node:os';
import type { z } from 'zod';
import { VigilError } from '../errors';
import { configSchema, type FileConfig } from './schema';
import { readEnv, type EnvSettings } from './env';
import { readConfigDocument, type LoadOptions } from './document';

/** The whole validated, read-only configuration: the streams file plus the environment. */
export interface Config extends FileConfig {
  readonly env: EnvSettings;
  /** Directory of the streams file; relative `file:` URLs resolve against it. */
  readonly baseDir: string;
  readonly instanceId: string;
  /** sha256 of the streams file's text as loaded (the watcher reloads only when it changes). */
  readonly sourceSha256?: string;
}

/** Renders zod issues as "cameras[0].fps: must be ..." lines that name the bad field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
      .join('');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

/** Validates an already-parsed document. Throws VIGIL_ERR_CONFIG_INVALID naming every bad field. */
export function parseConfig(document: unknown, source: string): FileConfig {
  const result = configSchema.safeParse(document ?? {});
  if (!result.success) {
    const lines = describeIssues(result.error.issues);
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `${source} is invalid:\n  ${lines.join('\n  ')}`, {
      source,
      fields: lines.join('; '),
    });
  }
  return result.data;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads the streams file named by VIGIL_CONFIG (default streams.yaml) and the environment. `${VAR}`
 * references in the file's values are expanded from `environment` (see document.ts) before the
 * schema validates it; serve, reloads and `vigil config check` all come through here.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), options: LoadOptions = {}): Config {
  const env = readEnv(environment, cwd);
  let bytes: Buffer;
  try {
    bytes = readFileSync(env.configPath);
  } catch (error) {
    throw new VigilError('VIGIL_ERR_CONFIG_NOT_FOUND', `cannot read configuration file ${env.configPath}`, {
      path: env.configPath,
      reason: (error as NodeJS.ErrnoException).code ?? String(error),
    });
  }
  const text = bytes.toString('utf8');
  const document = readConfigDocument(text, env.configPath, environment, cwd, options);
  const file = parseConfig(document, env.configPath);
  return deepFreeze({
    ...file,
    env,
    baseDir: dirname(resolve(env.configPath)),
    instanceId: file.gateway.instanceId ?? hostname().replace(/[^A-Za-z0-9_.-]/g, '-'),
    sourceSha256: createHash('sha256').update(bytes).digest('hex'),
  });
}
