import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, type Role } from '../auth';
import { VigilError } from '../errors';
import type { TracingSettings } from '../observability';

/** Settings that come from the environment (the runtime contract names these variables). */
export interface EnvSettings {
  readonly configPath: string;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** Kafka publishing is on only when brokers are given. */
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopic: string;
  readonly logLevel: string;
  /** LOG_FORMAT: `json`, `pretty`, or `auto` (unset: pretty on a terminal, JSON otherwise). */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  readonly ffmpegPath: string | undefined;
  /** Access tokens from VIGIL_TOKENS and VIGIL_TOKENS_FILE (`role:token,...`); none (and none stored) means no token checks. */
  readonly tokens: readonly { readonly role: Role; readonly token: string }[];
  /** OpenTelemetry span export (OTEL_EXPORTER_OTLP_ENDPOINT and the other standard OTEL_* variables); null: off. */
  readonly tracing: TracingSettings | null;
  /** Cluster mode: VIGIL_CLUSTER=1 (needs KAFKA_BROKERS). */
  readonly cluster: boolean;
  /** The URL other gateways reach this one at (VIGIL_ADVERTISE_URL); null: derived from host and port. */
  readonly advertiseUrl: string | null;
  /** KAFKA_SASL_PASSWORD: kept out of the streams file; never logged. */
  readonly kafkaSaslPassword: string | undefined;
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/**
 * Span export from OpenTelemetry's standard variables: on when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (the full URL) or OTEL_EXPORTER_OTLP_ENDPOINT (the base; /v1/traces is added) is set, unless
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. OTLP over HTTP with JSON bodies only.
 */
export function readTracing(env: NodeJS.ProcessEnv): TracingSettings | null {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return null;
  const exporter = (env.OTEL_TRACES_EXPORTER ?? 'otlp').toLowerCase();
  if (exporter === 'none') return null;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : '');
  if (!url) return null;
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  if (exporter !== 'otlp') throw invalid('OTEL_TRACES_EXPORTER', 'only otlp (or none) is supported');
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalid(variable, 'must be an http:// or https:// URL');
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== 'http/json') throw invalid(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL', `only http/json is supported (OTLP/HTTP with JSON bodies, which collectors accept on the same port as http/protobuf), got "${protocol}"`);
  const sampler = (env.OTEL_TRACES_SAMPLER || 'parentbased_always_on').toLowerCase();
  if (!SAMPLERS.includes(sampler)) throw invalid('OTEL_TRACES_SAMPLER', `must be one of ${SAMPLERS.join(', ')}`);
  const argText = env.OTEL_TRACES_SAMPLER_ARG;
  const samplerArg = argText === undefined || argText === '' ? undefined : Number(argText);
  if (samplerArg !== undefined && !(samplerArg >= 0 && samplerArg <= 1)) throw invalid('OTEL_TRACES_SAMPLER_ARG', 'must be a ratio from 0 to 1');
  return { url, serviceName: env.OTEL_SERVICE_NAME || 'vigil', sampler, samplerArg };
}

/**
 * Parses VIGIL_TOKENS (or a tokens file: entries separated by commas or new lines, `#` comments).
 * Errors never include a token, only its position.
 */
export function parseTokens(text: string | undefined, variable = 'VIGIL_TOKENS'): { role: Role; token: string }[] {
  if (!text || !text.trim()) return [];
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .join(',')
    .split(',')
    .filter((entry) => entry.trim().length > 0);
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const role = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (colon < 0 || !(ROLES as readonly string[]).includes(role)) throw invalid(variable, `entry ${index + 1} must be role:token with role one of ${ROLES.join(', ')}`);
    if (!/^[A-Za-z0-9._~+/=-]{16,512}$/.test(token)) throw invalid(variable, `entry ${index + 1}: tokens must be 16-512 characters of letters, digits and . _ ~ + / = -`);
    return { role: role as Role, token };
  });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

function invalid(variable: string, message: string): VigilError {
  return new VigilError('VIGIL_ERR_CONFIG_INVALID', `${variable}: ${message}`, { variable });
}

export function readEnv(env: NodeJS.ProcessEnv, cwd: string): EnvSettings {
  const portText = env.VIGIL_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw invalid('VIGIL_PORT', `must be a port number 0-65535, got "${portText}"`);

  const kafkaBrokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  for (const broker of kafkaBrokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) throw invalid('KAFKA_BROKERS', `each broker must be host:port, got "${broker}"`);
  }

  const kafkaTopic = env.VIGIL_KAFKA_TOPIC ?? 'vigil.events';
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(kafkaTopic)) throw invalid('VIGIL_KAFKA_TOPIC', `"${kafkaTopic}" is not a valid Kafka topic name`);

  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) throw invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const clusterText = env.VIGIL_CLUSTER ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(clusterText)) throw invalid('VIGIL_CLUSTER', `must be 1 or 0, got "${clusterText}"`);
  const cluster = clusterText === '1' || clusterText === 'true';
  if (cluster && kafkaBrokers.length === 0) throw invalid('VIGIL_CLUSTER', 'cluster mode needs KAFKA_BROKERS');
  const advertiseUrl = env.VIGIL_ADVERTISE_URL || null;
  if (advertiseUrl !== null && !/^https?:\/\/[^\s/?#]+\/?$/.test(advertiseUrl)) throw invalid('VIGIL_ADVERTISE_URL', `must be http(s)://host:port, got "${advertiseUrl}"`);
  const logFormat = readLogFormat(env);

  return {
    cluster,
    advertiseUrl: advertiseUrl?.replace(/\/$/, '') ?? null,
    kafkaSaslPassword: env.KAFKA_SASL_PASSWORD || undefined,
    configPath: resolve(cwd, env.VIGIL_CONFIG || 'streams.yaml'),
    port,
    // Localhost by default: until tokens exist, nothing should be reachable from outside unless asked for.
    host: env.VIGIL_HOST ?? '127.0.0.1',
    dataDir: resolve(cwd, env.VIGIL_DATA_DIR || 'data'),
    kafkaBrokers,
    kafkaTopic,
    logLevel,
    logFormat,
    ffmpegPath: env.FFMPEG_PATH || undefined,
    tokens: [...parseTokens(env.VIGIL_TOKENS), ...readTokensFile(env.VIGIL_TOKENS_FILE, cwd)],
    tracing: readTracing(env),
  };
}

/** LOG_FORMAT alone (the CLI's tools read it without the rest of the environment). */
export function readLogFormat(env: NodeJS.ProcessEnv): 'auto' | 'json' | 'pretty' {
  const text = (env.LOG_FORMAT || 'auto').toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(text)) throw invalid('LOG_FORMAT', `must be json or pretty (unset: pretty on a terminal, JSON otherwise)`);
  return text as 'auto' | 'json' | 'pretty';
}

/** Tokens kept out of the environment (and so out of `ps e` and crash dumps) in a file, one `role:token` a line. */
function readTokensFile(path: string | undefined, cwd: string): { role: Role; token: string }[] {
  if (!path) return [];
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw invalid('VIGIL_TOKENS_FILE', `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseTokens(text, 'VIGIL_TOKENS_FILE');
}
