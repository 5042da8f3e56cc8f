import type { Logger } from 'pino';
import { CAMERA_STATES, DECODE_MODES, type CameraState, type DecodeMode, type DropReason, type HwAccelChoice } from '../ingest';
import type { StateChange } from '../lifecycle';
import type { Metrics } from '../observability';
import type { TrackOutcome } from '../recognition';

/**
 * One camera's metrics and logs. The camera's runtime tells it what happened; it turns that into
 * Prometheus series (label children bound once, nothing looked up per frame) and log lines, so
 * neither the ingest nor the analysis code knows about either.
 */
export class CameraTelemetry {
  readonly #camera: string;
  readonly #metrics: Metrics;
  readonly logger: Logger;
  readonly #decoded;
  readonly #analyzed;
  readonly #detections;
  readonly #age;
  readonly #lag;
  readonly #decodeCpu;
  #hwaccel: HwAccelChoice | null = null;

  constructor(camera: string, metrics: Metrics, logger: Logger) {
    this.#camera = camera;
    this.#metrics = metrics;
    this.logger = logger.child({ camera });
    const labels = { camera };
    this.#decoded = metrics.framesDecoded.labels(labels);
    this.#analyzed = metrics.framesAnalyzed.labels(labels);
    this.#detections = metrics.faceDetections.labels(labels);
    this.#age = metrics.frameAgeAtAnalysisSeconds.labels(labels);
    this.#lag = metrics.analysisLagSeconds.labels(labels);
    this.#decodeCpu = metrics.cameraDecodeCpuSeconds.labels(labels);
    metrics.setCameraMode(camera, 'full', DECODE_MODES);
    metrics.cameraIdle.set({ camera }, 0);
  }

  /** The camera's state before its ingestor runs (or when it never will). */
  initialState(state: CameraState): void {
    this.#metrics.setCameraState(this.#camera, state, CAMERA_STATES);
  }

  frameDecoded(): void {
    this.#decoded.inc();
  }

  frameDropped(reason: DropReason | 'inference_error'): void {
    this.#metrics.framesDropped.inc({ camera: this.#camera, reason });
  }

  frameTaken(ageMs: number): void {
    this.#age.observe(ageMs / 1000);
  }

  frameAnalysed(faces: number, lagMs: number): void {
    this.#analyzed.inc();
    this.#detections.inc(faces);
    this.#lag.observe(lagMs / 1000);
  }

  /** The first frame after a wake on motion is analysed, `ms` after the packet that woke the camera arrived. */
  wakeAnalysed(ms: number): void {
    this.#metrics.cameraWakeSeconds.observe({ camera: this.#camera }, ms / 1000);
  }

  /** CPU its decoder process used since the last check. */
  decoderCpu(seconds: number): void {
    if (seconds > 0) this.#decodeCpu.inc(seconds);
  }

  /** An event about the frame read off the decoder at `capturedAt` was published. */
  eventPublished(type: string, capturedAt: number): void {
    this.#metrics.frameToEventSeconds.observe({ type }, (Date.now() - capturedAt) / 1000);
  }

  stateChanged(change: StateChange<CameraState>, detail: { mode: DecodeMode; idle: boolean; attempt: number; lastError: { code: string; message: string } | null }): void {
    const camera = this.#camera;
    const m = this.#metrics;
    m.setCameraState(camera, change.to, CAMERA_STATES);
    m.setCameraMode(camera, detail.mode, DECODE_MODES);
    m.cameraIdle.set({ camera }, detail.idle ? 1 : 0);
    m.cameraStateChanges.inc({ camera, state: change.to });
    if (change.to === 'backoff') m.cameraRestarts.inc({ camera });
    if (change.to === 'stalled') m.cameraStalls.inc({ camera });
    const level = change.to === 'failed' ? 'error' : change.to === 'stalled' || change.to === 'backoff' ? 'warn' : 'info';
    this.logger[level]({ from: change.from, to: change.to, reason: change.reason, ...detail }, 'camera state changed');
  }

  /** What the decoder does changed without a reconnect (capacity controller, idle). */
  workChanged(mode: DecodeMode, idle: boolean, reason: string): void {
    this.#metrics.setCameraMode(this.#camera, mode, DECODE_MODES);
    this.#metrics.cameraIdle.set({ camera: this.#camera }, idle ? 1 : 0);
    this.#metrics.cameraWorkChanges.inc({ camera: this.#camera, to: idle ? 'idle' : mode });
    this.logger.info({ mode, idle, reason }, 'decode work changed');
  }

  /** The decoder woke itself on motion, catching up from the last key frame in `catchUpMs`. */
  woke(catchUpMs: number): void {
    this.#metrics.cameraWakeCatchUpSeconds.observe(catchUpMs / 1000);
  }

  /** The decoder chose its hardware (at each start): a gauge of what runs, a counter and a warning when it is not what was asked. */
  hwaccel(choice: HwAccelChoice): void {
    const camera = this.#camera;
    const before = this.#hwaccel;
    this.#hwaccel = choice;
    this.#metrics.setCameraHwaccel(camera, choice.requested, choice.active);
    if (choice.reason === null) {
      if (before?.active !== choice.active || before.reason !== null) this.logger.info({ hwaccel: choice }, choice.active === 'none' ? 'decoding in software' : `decoding on ${choice.active}`);
      return;
    }
    this.#metrics.cameraHwaccelFallbacks.inc({ camera, requested: choice.requested });
    // Logged once per reason, not at every reconnect.
    if (before?.reason !== choice.reason) this.logger.warn({ hwaccel: choice }, `hardware decoding (${choice.requested}) unavailable: ${choice.reason}`);
  }

  trackStarted(): void {
    this.#metrics.faceTracks.inc({ camera: this.#camera });
  }

  embedded(count: number, ms: number): void {
    this.#metrics.faceEmbeddings.inc({ camera: this.#camera }, count);
    this.#metrics.embeddingSeconds.observe(ms / 1000);
  }

  outcome(outcome: TrackOutcome): void {
    if (outcome.kind === 'ended') return;
    this.#metrics.recognitions.inc({ camera: this.#camera, result: outcome.kind });
    if (outcome.kind === 'recognized') this.#metrics.recognitionLatencySeconds.observe((Date.now() - outcome.firstSeen) / 1000);
  }

  recognitionFailed(error: unknown): void {
    this.logger.warn({ err: String(error) }, 'recognition step failed');
  }

  /** The camera was removed (not restarted): its series go with it. */
  forget(): Promise<void> {
    return this.#metrics.forgetCamera(this.#camera);
  }
}
