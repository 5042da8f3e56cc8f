import type { Logger } from 'pino';
import type { CameraConfig, Config } from './config';
import { CameraIngestor, CameraUrl, type CameraState } from './ingest';
import { CameraAnalyzer, type FaceRecognizer, type FrameAnalysis } from './recognition';
import type { DetectorPool } from './inference';
import type { CameraView } from './api';
import { VigilError, asVigilError } from './errors';
import type { Metrics } from './observability';

export const CAMERA_STATES: readonly CameraState[] = ['idle', 'starting', 'streaming', 'backoff', 'stopped', 'failed'];

/** Shows what a camera URL that could not be parsed looks like, without what could be credentials. */
function redactRawUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * One configured camera: its ingestor and analyser, wired to metrics. A camera whose URL is
 * refused (bad scheme, local files not allowed) is kept as `failed` with the reason, so it shows
 * in the API and never stops the other cameras.
 */
export class CameraRuntime {
  readonly config: CameraConfig;
  readonly #ingestor: CameraIngestor | null;
  readonly #analyzer: CameraAnalyzer | null;
  readonly #urlForDisplay: string;
  readonly #refusal: VigilError | null;
  #stateReason: string | null = null;

  constructor(camera: CameraConfig, deps: { config: Config; pool: DetectorPool; metrics: Metrics; logger: Logger; ffmpegPath: string; onAnalysis: (a: FrameAnalysis) => void; recognizer?: FaceRecognizer }) {
    this.config = camera;
    const logger = deps.logger.child({ camera: camera.id });
    let url: CameraUrl | null = null;
    try {
      url = CameraUrl.parse(camera.url, { allowLocalFiles: deps.config.gateway.allowLocalFiles, baseDir: deps.config.baseDir });
    } catch (error) {
      this.#refusal = asVigilError(error, 'VIGIL_ERR_URL_INVALID', { camera: camera.id });
      logger.error({ err: this.#refusal.toJSON() }, 'camera URL refused; camera not started');
    }
    this.#urlForDisplay = url ? url.redacted : redactRawUrl(camera.url);
    this.#refusal ??= null;
    if (!url) {
      this.#ingestor = null;
      this.#analyzer = null;
      this.#stateReason = this.#refusal?.message ?? null;
      deps.metrics.setCameraState(camera.id, 'failed', CAMERA_STATES);
      return;
    }
    const { restartDelayMs, restartDelayMaxMs } = deps.config.gateway;
    const ingestor = new CameraIngestor({ camera, url, ffmpegPath: deps.ffmpegPath, backoff: { baseMs: restartDelayMs, maxMs: restartDelayMaxMs }, logger });
    this.#ingestor = ingestor;
    this.#analyzer = new CameraAnalyzer({
      ingestor,
      pool: deps.pool,
      logger,
      onAnalysis: (analysis) => {
        deps.metrics.framesAnalyzed.inc({ camera: camera.id });
        deps.onAnalysis(analysis);
      },
      onError: () => deps.metrics.framesDropped.inc({ camera: camera.id, reason: 'inference_error' }),
      ...(deps.recognizer && { recognizer: deps.recognizer }),
    });
    ingestor.on('frame', () => deps.metrics.framesDecoded.inc({ camera: camera.id }));
    ingestor.on('drop', (reason: string) => deps.metrics.framesDropped.inc({ camera: camera.id, reason }));
    ingestor.onState((change) => {
      this.#stateReason = change.reason ?? null;
      deps.metrics.setCameraState(camera.id, change.to, CAMERA_STATES);
      if (change.to === 'backoff') deps.metrics.cameraRestarts.inc({ camera: camera.id });
      logger.info({ from: change.from, to: change.to, reason: change.reason }, 'camera state changed');
    });
    deps.metrics.setCameraState(camera.id, camera.enabled ? 'idle' : 'stopped', CAMERA_STATES);
    if (!camera.enabled) this.#stateReason = 'disabled in configuration';
  }

  get state(): CameraState {
    if (this.#refusal) return 'failed';
    if (!this.config.enabled) return 'stopped';
    return this.#ingestor?.state ?? 'idle';
  }

  async start(): Promise<void> {
    if (!this.#ingestor || !this.#analyzer || !this.config.enabled) return;
    this.#analyzer.start();
    await this.#ingestor.start();
  }

  async close(timeoutMs?: number): Promise<void> {
    await this.#ingestor?.close(timeoutMs);
    await this.#analyzer?.close();
  }

  destroy(): void {
    this.#ingestor?.destroy();
  }

  view(): CameraView {
    const error = this.#refusal ?? this.#ingestor?.lastError ?? null;
    const c = this.config;
    return {
      id: c.id,
      name: c.name ?? null,
      url: this.#urlForDisplay,
      enabled: c.enabled,
      state: this.state,
      stateReason: this.#stateReason,
      lastError: error ? { code: error.code, message: error.message } : null,
      fps: c.fps,
      width: c.width,
      height: c.height,
      framesDecoded: this.#ingestor?.framesDecoded ?? 0,
      framesAnalyzed: this.#analyzer?.framesAnalyzed ?? 0,
      framesDropped: this.#ingestor?.framesDropped ?? 0,
    };
  }
}
