import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../src/config';
import type { BenchCamera } from './cams';
import { onCleanup, signal } from './cleanup';
import { ANALYSIS } from './media';

export type BenchDegradeTo = 'keyframes' | 'off';

export interface GatewayConfigOptions {
  readonly cameras: readonly BenchCamera[];
  readonly workers: number | 'auto';
  /** More `inference` settings (provider, batch limits) for the GPU bench. */
  readonly inference?: Readonly<Record<string, unknown>>;
  /** Per camera: tracking, landmarks, quality, liveness, embeddings, gallery (the product default is on). */
  readonly recognition: boolean;
  /** `ingest.degradeTo`; undefined leaves the product default (keyframes). */
  readonly degradeTo?: BenchDegradeTo;
  /** `ingest.idle.mode`: idle cameras on key frames (the product default) or never idle. */
  readonly idle: boolean;
  /**
   * `detectedEvents` on every camera: per-frame events, which carry every face's liveness (so the
   * workers score it on every frame). Undefined: on, as the suites that measure them need.
   */
  readonly detectedEvents?: boolean;
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the gateway (`--tracing on`); undefined: tracing off. */
  readonly otlpEndpoint?: string;
}

/** The person enrolled before the gateway starts, so recognition latency has tracks to name. */
export const ENROLLED = { name: 'Lin-Manuel Miranda', photo: join(PROJECT_ROOT, 'test', 'fixtures', 'faces', 'lin_manuel_miranda', 'lin1.png') };
const ENROL_TIMEOUT_MS = 60_000;

export function streamsYaml(options: GatewayConfigOptions): string {
  const cameras = options.cameras.map((c) => ({
    id: c.id,
    url: c.url,
    ...ANALYSIS,
    recognition: options.recognition,
    // Per-frame events are off by default since recognition; the frame-to-event figure is measured on them.
    detectedEvents: options.detectedEvents ?? true,
  }));
  const ingest = { ...(options.degradeTo !== undefined && { degradeTo: options.degradeTo }), ...(!options.idle && { idle: { mode: 'off' } }) };
  return stringify({
    gateway: { allowLocalFiles: true },
    ...(Object.keys(ingest).length > 0 && { ingest }),
    inference: { workers: options.workers, ...options.inference },
    cameras,
  });
}

/** `vigil enroll` with the bench's config and data dir, as an operator would before starting the gateway. */
export function enrolReference(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'vigil.js'), 'enroll', '--name', ENROLLED.name, ENROLLED.photo], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
    const timer = setTimeout(() => signal(child.pid, 'SIGKILL'), ENROL_TIMEOUT_MS);
    let output = '';
    const keep = (chunk: Buffer): void => void (output = (output + chunk.toString()).slice(-2000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearTimeout(timer);
      forget();
      reject(error);
    });
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      forget();
      if (code === 0) resolve();
      else reject(new Error(`vigil enroll failed (${sig ?? `exit ${code}`}): ${output.trim()}`));
    });
  });
}
