import type { Logger } from 'pino';
import type { CameraConfig, Config } from './config';
import { CAMERA_STATES, CameraIngestor, CameraUrl, DECODE_MODES, type CameraState, type DecodeMode, type IngestPolicy } from './ingest';
import { CameraAnalyzer, type FaceRecognizer, type FrameAnalysis } from './recognition';
import type { DetectorPool } from './inference';
import type { CameraView } from './api';
import { encodeJpeg } from './imaging';
import { VigilError, asVigilError } from './errors';
import type { CameraHealth, Metrics } from './observability';

export { CAMERA_STATES };

/** A camera state change as published (vigil.camera.status) and logged. */
export interface CameraStatus {
  readonly camera: string;
  readonly state: CameraState;
  readonly previousState: CameraState;
  readonly reason: string | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly mode: DecodeMode;
  readonly attempt: number;
  readonly at: number;
}

export interface CameraRuntimeDeps {
  readonly config: Config;
  readonly pool: DetectorPool;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly ffmpegPath: string;
  readonly onAnalysis: (a: FrameAnalysis) => void;
  readonly onStatus: (status: CameraStatus) => void;
  /** Tracks and recognises faces on this camera; absent when recognition is off for it. */
  readonly recognizer?: FaceRecognizer;
  /** Where the camera is defined (shown as `origin` in the API). */
  readonly origin?: 'config' | 'api';
}

/** Camera snapshots are encoded at most this often; requests in between get the cached JPEG. */
const SNAPSHOT_CACHE_MS = 200;

/** Shows what a camera URL that could not be parsed looks like, without what could be credentials. */
function redactRawUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/** The ingest policy for one camera: the global settings with the camera's own overrides. */
export function ingestPolicyFor(camera: CameraConfig, config: Config): IngestPolicy {
  const { gateway, ingest } = config;
  return {
    backoff: { baseMs: camera.restartDelayMs ?? gateway.restartDelayMs, maxMs: camera.restartDelayMaxMs ?? gateway.restartDelayMaxMs },
    healthyAfterMs: ingest.healthyAfterMs,
    stallTimeoutMs: camera.stallTimeoutMs ?? ingest.stallTimeoutMs,
    maxFpsFactor: ingest.maxFpsFactor,
    rateWindowMs: ingest.rateWindowMs,
    ringFrames: camera.ringFrames ?? ingest.ringFrames,
    ringBytes: ingest.ringBytes,
    highWatermark: ingest.highWatermark,
    lowWatermark: ingest.lowWatermark,
    degradeAfterChecks: ingest.degradeAfterChecks,
    restoreAfterChecks: ingest.restoreAfterChecks,
    degradeTo: camera.degradeTo ?? ingest.degradeTo,
  };
}

/**
 * One configured camera: its ingestor and analyser, wired to metrics, logs and status events. A
 * camera whose URL is refused (bad scheme, local files not allowed) is kept as `failed` with the
 * reason, so it shows in the API and never stops the other cameras.
 */
export class CameraRuntime {
  readonly config: CameraConfig;
  readonly #ingestor: CameraIngestor | null;
  readonly #analyzer: CameraAnalyzer | null;
  readonly #urlForDisplay: string;
  readonly #refusal: VigilError | null;
  #stateReason: string | null = null;
  #refusalStatus: CameraStatus | null = null;
  #onStatus: (status: CameraStatus) => void;
  readonly #origin: 'config' | 'api';
  readonly #metrics: Metrics;
  /** A copy of the newest decoded frame (one reused buffer), for `GET /v1/cameras/{id}/snapshot`. */
  #latest: { pixels: Uint8Array; capturedAt: number } | null = null;
  #jpeg: { at: number; frameAt: number; bytes: Promise<Buffer> } | null = null;

  constructor(camera: CameraConfig, deps: CameraRuntimeDeps) {
    this.config = camera;
    this.#origin = deps.origin ?? 'config';
    this.#onStatus = deps.onStatus;
    const { metrics } = deps;
    this.#metrics = metrics;
    const logger = deps.logger.child({ camera: camera.id });
    let url: CameraUrl | null = null;
    let refusal: VigilError | null = null;
    try {
      url = CameraUrl.parse(camera.url, { allowLocalFiles: deps.config.gateway.allowLocalFiles, baseDir: deps.config.baseDir });
    } catch (error) {
      refusal = asVigilError(error, 'VIGIL_ERR_URL_INVALID', { camera: camera.id });
      logger.error({ err: refusal.toJSON() }, 'camera URL refused; camera not started');
    }
    this.#refusal = refusal;
    this.#urlForDisplay = url ? url.redacted : redactRawUrl(camera.url);
    metrics.setCameraMode(camera.id, 'full', DECODE_MODES);
    if (!url || refusal) {
      this.#ingestor = null;
      this.#analyzer = null;
      this.#stateReason = refusal?.message ?? null;
      metrics.setCameraState(camera.id, 'failed', CAMERA_STATES);
      const lastError = refusal ? { code: refusal.code, message: refusal.message } : null;
      // Published once the bus is up (start), so subscribers learn why this camera never runs.
      this.#refusalStatus = { camera: camera.id, state: 'failed', previousState: 'idle', reason: this.#stateReason, lastError, mode: 'full', attempt: 0, at: Date.now() };
      return;
    }
    const ingestor = new CameraIngestor({
      camera,
      url,
      ffmpegPath: deps.ffmpegPath,
      policy: ingestPolicyFor(camera, deps.config),
      logger,
      resolveHostNames: deps.config.env.ffmpegPath === undefined,
    });
    this.#ingestor = ingestor;
    this.#analyzer = new CameraAnalyzer({
      ingestor,
      pool: deps.pool,
      logger,
      onAnalysis: (analysis) => {
        metrics.framesAnalyzed.inc({ camera: camera.id });
        deps.onAnalysis(analysis);
      },
      onError: () => metrics.framesDropped.inc({ camera: camera.id, reason: 'inference_error' }),
      ...(deps.recognizer && { recognizer: deps.recognizer }),
    });
    const age = metrics.frameAgeAtAnalysisSeconds.labels({ camera: camera.id });
    const decoded = metrics.framesDecoded.labels({ camera: camera.id });
    // Registered before the analyser's listener: the frame is still here (not yet moved to a worker).
    ingestor.on('frame', (frame: { data: Uint8Array; capturedAt: number }) => {
      decoded.inc();
      this.#keepLatest(frame);
    });
    ingestor.on('age', (ms: number) => age.observe(ms / 1000));
    ingestor.on('drop', (reason: string) => metrics.framesDropped.inc({ camera: camera.id, reason }));
    ingestor.onState((change) => {
      this.#stateReason = change.reason ?? null;
      const error = ingestor.lastError;
      const status: CameraStatus = {
        camera: camera.id,
        state: change.to,
        previousState: change.from,
        reason: change.reason ?? null,
        lastError: error ? { code: error.code, message: error.message } : null,
        mode: ingestor.mode,
        attempt: ingestor.attempt,
        at: change.at,
      };
      metrics.setCameraState(camera.id, change.to, CAMERA_STATES);
      metrics.setCameraMode(camera.id, ingestor.mode, DECODE_MODES);
      metrics.cameraStateChanges.inc({ camera: camera.id, state: change.to });
      if (change.to === 'backoff') metrics.cameraRestarts.inc({ camera: camera.id });
      if (change.to === 'stalled') metrics.cameraStalls.inc({ camera: camera.id });
      const level = change.to === 'failed' ? 'error' : change.to === 'stalled' || change.to === 'backoff' ? 'warn' : 'info';
      logger[level]({ from: change.from, to: change.to, reason: change.reason, lastError: status.lastError, mode: status.mode, attempt: status.attempt }, 'camera state changed');
      deps.onStatus(status);
    });
    metrics.setCameraState(camera.id, camera.enabled ? 'idle' : 'stopped', CAMERA_STATES);
    if (!camera.enabled) this.#stateReason = 'disabled in configuration';
  }

  get state(): CameraState {
    if (this.#refusal) return 'failed';
    if (!this.config.enabled) return 'stopped';
    return this.#ingestor?.state ?? 'idle';
  }

  /** Sliding-hour figures for the metrics scrape. */
  health(now = Date.now()): CameraHealth {
    return { camera: this.config.id, reconnectsLastHour: this.#ingestor?.reconnects.total(now) ?? 0, stallsLastHour: this.#ingestor?.stalls.total(now) ?? 0 };
  }

  get origin(): 'config' | 'api' {
    return this.#origin;
  }

  async start(): Promise<void> {
    if (this.#refusalStatus) this.#onStatus({ ...this.#refusalStatus, at: Date.now() });
    if (!this.config.enabled && !this.#refusal) this.announce('stopped', 'idle', 'disabled in configuration');
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

  /** The camera was removed (not restarted): its metric series go with it. Call after close(). */
  forgetMetrics(): Promise<void> {
    return this.#metrics.forgetCamera(this.config.id);
  }

  /** Publishes a status that no ingestor state change carries (a camera disabled or removed without running). */
  announce(state: CameraState, previousState: CameraState, reason: string): void {
    this.#onStatus({ camera: this.config.id, state, previousState, reason, lastError: null, mode: this.#ingestor?.mode ?? 'full', attempt: 0, at: Date.now() });
  }

  #keepLatest(frame: { data: Uint8Array; capturedAt: number }): void {
    if (frame.data.byteLength === 0) return;
    if (!this.#latest || this.#latest.pixels.byteLength !== frame.data.byteLength) this.#latest = { pixels: new Uint8Array(frame.data.byteLength), capturedAt: 0 };
    this.#latest.pixels.set(frame.data);
    this.#latest.capturedAt = frame.capturedAt;
  }

  /** JPEG of the newest decoded frame; null before the first one. Encoded at most every 200 ms. */
  async snapshot(quality: number, now = Date.now()): Promise<Buffer | null> {
    const latest = this.#latest;
    if (!latest) return null;
    const cached = this.#jpeg;
    if (cached && (now - cached.at < SNAPSHOT_CACHE_MS || cached.frameAt === latest.capturedAt)) return cached.bytes;
    // Encoded from a copy: the next frame overwrites the kept buffer while sharp works.
    const bytes = encodeJpeg({ pixels: Uint8Array.from(latest.pixels), width: this.config.width, height: this.config.height }, quality);
    this.#jpeg = { at: now, frameAt: latest.capturedAt, bytes };
    bytes.catch(() => (this.#jpeg = null));
    return bytes;
  }

  view(): CameraView {
    const error = this.#refusal ?? this.#ingestor?.lastError ?? null;
    const c = this.config;
    const ingestor = this.#ingestor;
    const health = this.health();
    return {
      id: c.id,
      name: c.name ?? null,
      url: this.#urlForDisplay,
      origin: this.#origin,
      enabled: c.enabled,
      state: this.state,
      stateReason: this.#stateReason,
      lastError: error ? { code: error.code, message: error.message } : null,
      fps: c.fps,
      width: c.width,
      height: c.height,
      framesDecoded: ingestor?.framesDecoded ?? 0,
      framesAnalyzed: this.#analyzer?.framesAnalyzed ?? 0,
      framesDropped: ingestor?.framesDropped ?? 0,
      mode: ingestor?.mode ?? 'full',
      attempt: ingestor?.attempt ?? 0,
      reconnectsLastHour: health.reconnectsLastHour,
      stallsLastHour: health.stallsLastHour,
    };
  }
}
