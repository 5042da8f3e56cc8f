import type { Config, CameraConfig } from '../config';
import { CameraIngestor, CameraUrl, type CameraState, type DropReason, type Frame, type IngestListener } from '../ingest';
import { CameraAnalyzer, FaceRecognizer, type AnalysisListener, type FrameAnalysis, type FrameDetector, type RecognitionServices, type TrackOutcome } from '../recognition';
import { VigilError, asVigilError } from '../errors';
import type { StateChange } from '../lifecycle';
import type { Logger, Metrics } from '../observability';
import type { CameraOrigin } from './camera-plan';
import { detectionDraft, outcomeDraft, statusDraft, type EventPublisher } from './camera-events';
import type { CameraStatus } from './camera-status';
import { CameraTelemetry } from './camera-telemetry';
import type { CameraView } from './camera-view';
import { ingestPolicyFor } from './ingest-policy';
import { LatestFrame } from './latest-frame';

/** What every camera shares, built once by the composition root. */
export interface CameraServices {
  readonly config: Pick<Config, 'gateway' | 'ingest' | 'baseDir'>;
  readonly ffmpegPath: string;
  /** Resolve camera host names in Node (the bundled static ffmpeg crashes resolving them). */
  readonly resolveHostNames: boolean;
  readonly detector: FrameDetector;
  /** Tracking and recognition for cameras that want it. */
  readonly recognition: RecognitionServices;
  readonly publisher: EventPublisher;
  /** The CloudEvents `source` of this gateway. */
  readonly eventSource: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** Shows what a camera URL that could not be parsed looks like, without what could be credentials. */
function redactRawUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * One configured camera end to end: its ingestor (decoder supervision), its analyser (and
 * recognizer), the latest frame for snapshots, its telemetry, and the translation of what happens
 * to it into events. A camera whose URL is refused (bad scheme, local files not allowed) is kept
 * as `failed` with the reason, so it shows in the API and never stops the other cameras.
 */
export class CameraRuntime implements IngestListener, AnalysisListener {
  readonly config: CameraConfig;
  readonly origin: CameraOrigin;
  readonly #services: CameraServices;
  readonly #telemetry: CameraTelemetry;
  readonly #ingestor: CameraIngestor | null;
  readonly #analyzer: CameraAnalyzer | null;
  readonly #latest: LatestFrame;
  readonly #urlForDisplay: string;
  readonly #refusal: VigilError | null;
  #stateReason: string | null = null;

  constructor(camera: CameraConfig, origin: CameraOrigin, services: CameraServices) {
    this.config = camera;
    this.origin = origin;
    this.#services = services;
    this.#telemetry = new CameraTelemetry(camera.id, services.metrics, services.logger);
    this.#latest = new LatestFrame(camera.width, camera.height);
    let url: CameraUrl | null = null;
    let refusal: VigilError | null = null;
    try {
      url = CameraUrl.parse(camera.url, { allowLocalFiles: services.config.gateway.allowLocalFiles, baseDir: services.config.baseDir });
    } catch (error) {
      refusal = asVigilError(error, 'VIGIL_ERR_URL_INVALID', { camera: camera.id });
      this.#telemetry.logger.error({ err: refusal.toJSON() }, 'camera URL refused; camera not started');
    }
    this.#refusal = refusal;
    this.#urlForDisplay = url ? url.redacted : redactRawUrl(camera.url);
    if (!url) {
      this.#ingestor = null;
      this.#analyzer = null;
      this.#stateReason = this.#refusal?.message ?? null;
      this.#telemetry.initialState('failed');
      return;
    }
    const logger = this.#telemetry.logger;
    this.#ingestor = new CameraIngestor({
      camera,
      url,
      ffmpegPath: services.ffmpegPath,
      policy: ingestPolicyFor(camera, services.config),
      logger,
      resolveHostNames: services.resolveHostNames,
      listener: this,
    });
    this.#analyzer = new CameraAnalyzer({
      source: this.#ingestor,
      detector: services.detector,
      logger,
      listener: this,
      ...(camera.recognition && { recognizer: this.#recognizer() }),
    });
    this.#telemetry.initialState(camera.enabled ? 'idle' : 'stopped');
    if (!camera.enabled) this.#stateReason = 'disabled in configuration';
  }

  get state(): CameraState {
    if (this.#refusal) return 'failed';
    if (!this.config.enabled) return 'stopped';
    return this.#ingestor?.state ?? 'idle';
  }

  /** Sliding-hour figures for the metrics scrape. */
  health(now = Date.now()): { camera: string; reconnectsLastHour: number; stallsLastHour: number } {
    return { camera: this.config.id, reconnectsLastHour: this.#ingestor?.reconnects.total(now) ?? 0, stallsLastHour: this.#ingestor?.stalls.total(now) ?? 0 };
  }

  async start(): Promise<void> {
    if (this.#refusal) {
      const lastError = { code: this.#refusal.code, message: this.#refusal.message };
      // Published once the bus is up, so subscribers learn why this camera never runs.
      this.#publishStatus({ camera: this.config.id, state: 'failed', previousState: 'idle', reason: this.#stateReason, lastError, mode: 'full', attempt: 0, at: Date.now() });
      return;
    }
    if (!this.config.enabled) return this.announce('stopped', 'idle', 'disabled in configuration');
    if (!this.#ingestor || !this.#analyzer) return;
    this.#analyzer.start();
    await this.#ingestor.start();
  }

  /** Stops the decoder, then lets the frame in flight finish and ends the tracks (their events go out). */
  async close(timeoutMs = 3000): Promise<void> {
    await this.#ingestor?.close(timeoutMs);
    await this.#analyzer?.close(timeoutMs);
  }

  destroy(): void {
    this.#ingestor?.destroy();
    this.#analyzer?.destroy();
  }

  /** The camera was removed (not restarted): its metric series go with it. Call after close(). */
  forgetMetrics(): Promise<void> {
    return this.#telemetry.forget();
  }

  /** Publishes a status that no ingestor state change carries (a camera disabled or removed without running). */
  announce(state: CameraState, previousState: CameraState, reason: string): void {
    this.#publishStatus({ camera: this.config.id, state, previousState, reason, lastError: null, mode: this.#ingestor?.mode ?? 'full', attempt: 0, at: Date.now() });
  }

  /** JPEG of the newest decoded frame; null before the first one. */
  snapshot(quality: number): Promise<Buffer> | null {
    return this.#latest.jpeg(quality);
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
      origin: this.origin,
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

  // IngestListener: the per-frame path, from the decoder to the analyser.

  frameReady(frame: Frame): void {
    this.#telemetry.frameDecoded();
    // Copied before the analyser moves the frame to a worker.
    this.#latest.keep(frame);
    this.#analyzer?.frameReady();
  }

  frameDropped(reason: DropReason): void {
    this.#telemetry.frameDropped(reason);
  }

  frameTaken(ageMs: number): void {
    this.#telemetry.frameTaken(ageMs);
  }

  stateChanged(change: StateChange<CameraState>): void {
    const ingestor = this.#ingestor as CameraIngestor;
    this.#stateReason = change.reason ?? null;
    const error = ingestor.lastError;
    const detail = { mode: ingestor.mode, attempt: ingestor.attempt, lastError: error ? { code: error.code, message: error.message } : null };
    this.#telemetry.stateChanged(change, detail);
    this.#publishStatus({ camera: this.config.id, state: change.to, previousState: change.from, reason: change.reason ?? null, ...detail, at: change.at });
  }

  // AnalysisListener: the detector's answers.

  analysed(analysis: FrameAnalysis): void {
    this.#telemetry.frameAnalysed(analysis.faces.length);
    if (!this.config.detectedEvents || analysis.faces.length === 0) return;
    this.#services.publisher.publish(detectionDraft(this.#services.eventSource, this.config.id, analysis));
    this.#telemetry.detectionPublished(analysis.capturedAt);
  }

  failed(): void {
    this.#telemetry.frameDropped('inference_error');
  }

  #publishStatus(status: CameraStatus): void {
    this.#services.publisher.publish(statusDraft(this.#services.eventSource, status));
  }

  #recognizer(): FaceRecognizer {
    const telemetry = this.#telemetry;
    const { publisher, eventSource } = this.#services;
    return new FaceRecognizer({
      ...this.#services.recognition,
      camera: this.config.id,
      onOutcome: (outcome: TrackOutcome) => {
        telemetry.outcome(outcome);
        publisher.publish(outcomeDraft(eventSource, outcome));
      },
      onEmbeddings: (count, ms) => telemetry.embedded(count, ms),
      onTrackStarted: () => telemetry.trackStarted(),
      onError: (error) => telemetry.recognitionFailed(error),
    });
  }
}
