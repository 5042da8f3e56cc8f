import { cameraSchema, parseConfig, type Config } from '../config';

export { loadConfig } from '../config';
import { isVigilError } from '../errors';
import { CameraUrl } from '../ingest';
import { CameraAdmission } from '../cameras';

export interface CheckedCamera {
  readonly id: string;
  readonly name: string | null;
  /** Redacted (no password, no secret-looking query value). */
  readonly url: string;
  readonly enabled: boolean;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** The camera's other keys that differ from their defaults (per-camera overrides, recognition, ...). */
  readonly settings: Record<string, unknown>;
  /** Why the gateway would refuse this camera's URL (it would run as `failed`), or null. */
  readonly problem: { readonly field: string; readonly code: string; readonly message: string } | null;
}

export interface CheckReport {
  readonly file: string;
  readonly instanceId: string;
  readonly cameras: readonly CheckedCamera[];
  /** `section.key` -> value, for every setting outside `cameras` that differs from its default. */
  readonly settings: Record<string, unknown>;
  readonly environment: {
    readonly port: number;
    readonly host: string;
    readonly dataDir: string;
    readonly kafka: readonly string[] | null;
    readonly kafkaTopic: string;
    /** How many access tokens per role (never a token). */
    readonly tokens: Record<string, number>;
    readonly logLevel: string;
    readonly logFormat: string;
  };
}

/** `{a: {b: 1}}` -> `{"a.b": 1}`; arrays are values. */
function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${key}.`));
    else out[`${prefix}${key}`] = v;
  }
  return out;
}

function differences(actual: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(actual).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(defaults[key])));
}

const SHOWN = new Set(['id', 'url', 'name', 'enabled', 'fps', 'width', 'height']);

/**
 * What `vigil serve` would run with this configuration, from the configuration alone: nothing is
 * started and nothing opened. URLs are checked by the same rules as at start and shown redacted.
 */
export function checkConfig(config: Config): CheckReport {
  const { cameras, env, baseDir, instanceId, sourceSha256: _sha, ...sections } = config;
  const defaults = flatten(parseConfig({}, 'defaults') as unknown as Record<string, unknown>);
  const cameraDefaults = cameraSchema.parse({ id: 'x', url: 'x' }) as Record<string, unknown>;
  // The rules the gateway applies beyond the scheme: credentials on ffmpeg's command line, address literals.
  const admission = new CameraAdmission({
    decoder: config.ingest.decoder === 'ffmpeg' || (config.ingest.decoder === 'auto' && env.ffmpegPath !== undefined) ? 'ffmpeg' : 'native',
    ffmpegCredentialsOnCommandLine: config.ingest.ffmpegCredentialsOnCommandLine,
    cameraNetworks: config.gateway.cameraNetworks,
    listener: () => ({ host: env.host, port: env.port }),
  });
  const checked = cameras.map((camera, index): CheckedCamera => {
    let url = '(hidden)';
    let problem: CheckedCamera['problem'] = null;
    try {
      const parsed = CameraUrl.parse(camera.url, { allowLocalFiles: config.gateway.allowLocalFiles, baseDir });
      url = parsed.redacted;
      admission.checkUrl(parsed);
    } catch (error) {
      if (!isVigilError(error)) throw error;
      if (typeof error.details.url === 'string') url = error.details.url;
      problem = { field: `cameras[${index}].url`, code: error.code, message: error.message };
    }
    const settings = differences(
      Object.fromEntries(Object.entries(camera).filter(([key]) => !SHOWN.has(key))),
      cameraDefaults,
    );
    return { id: camera.id, name: camera.name ?? null, url, enabled: camera.enabled, fps: camera.fps, width: camera.width, height: camera.height, settings, problem };
  });
  const tokens: Record<string, number> = {};
  for (const t of env.tokens) tokens[t.role] = (tokens[t.role] ?? 0) + 1;
  return {
    file: env.configPath,
    instanceId,
    cameras: checked,
    settings: differences(flatten(sections as unknown as Record<string, unknown>), defaults),
    environment: {
      port: env.port,
      host: env.host,
      dataDir: env.dataDir,
      kafka: env.kafkaBrokers.length > 0 ? env.kafkaBrokers : null,
      kafkaTopic: env.kafkaTopic,
      tokens,
      logLevel: env.logLevel,
      logFormat: env.logFormat,
    },
  };
}

/** The report for people. */
export function formatCheck(report: CheckReport): string {
  const problems = report.cameras.filter((c) => c.problem);
  const lines = [`${report.file}: ${problems.length === 0 ? 'valid' : `valid, but ${problems.length} camera URL(s) would be refused`}`, `instance: ${report.instanceId}`, `cameras (${report.cameras.length}):`];
  for (const c of report.cameras) {
    const extra = Object.entries(c.settings).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    lines.push(`  ${c.id}  ${c.problem ? 'REFUSED' : c.enabled ? 'enabled' : 'disabled'}  ${c.url}  ${c.fps} fps ${c.width}x${c.height}${c.name ? `  "${c.name}"` : ''}${extra.length ? `  ${extra.join(' ')}` : ''}`);
    if (c.problem) lines.push(`    ${c.problem.field}: ${c.problem.message} [${c.problem.code}]`);
  }
  if (report.cameras.length === 0) lines.push('  (none: cameras can still be added through the API)');
  const settings = Object.entries(report.settings);
  lines.push(settings.length ? 'settings that differ from the defaults:' : 'every other setting at its default');
  for (const [key, value] of settings) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  const e = report.environment;
  const tokens = Object.entries(e.tokens).map(([role, n]) => `${n} ${role}`).join(', ') || 'none (the API is open, so the gateway binds 127.0.0.1 only)';
  lines.push('environment:');
  lines.push(`  listen ${e.host}:${e.port}, data ${e.dataDir}, kafka ${e.kafka ? `${e.kafka.join(',')} topic ${e.kafkaTopic}` : 'off'}`);
  lines.push(`  tokens: ${tokens}; log level ${e.logLevel}, format ${e.logFormat}`);
  lines.push('nothing was started.');
  return lines.join('\n');
}
