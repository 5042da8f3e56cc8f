import type { Config, CameraConfig } from '../config';
import { CameraIngestor, CameraUrl, type CameraState, type DecodeMode, type DecoderBackend, type DecoderEvent, type DegradeTo, type DropReason, type Frame, type IngestListener, type MediaSegment } from '../ingest';
import { CameraAnalyzer, FaceRecognizer, type AnalysisListener, type FrameAnalysis, type FrameDetector, type RecognitionServices, type TrackOutcome } from '../recognition';
import { VigilError, asVigilError } from '../errors';
import type { StateChange } from '../lifecycle';
import { traceparent, type FrameTrace, type Logger, type Metrics, type Tracer } from '../observability';
import { withTraceparent, type EventDraft } from '../events';
import { activeSince, nextActivity, type Activity, type ActivityEvent, type IdleSettings } from './activity';
import type { CameraSample } from './capacity-plan';
import { CameraLoad } from './camera-load';
import type { CameraAdmission } from './camera-admission';
import type { CameraOrigin } from './camera-plan';
import { detectionDraft, outcomeDraft, statusDraft, type EventPublisher } from './camera-events';
import type { CameraStatus } from './camera-status';
import { CameraTelemetry } from './camera-telemetry';
import type { CameraView } from './camera-view';
import type { LiveCameraSink, LiveViews } from './camera-live';
import type { HealthBook } from '../health';
import { ingestPolicyFor } from './ingest-policy';
import { LatestFrame } from './latest-frame';

/** What every camera shares, built once by the composition root. */
export interface CameraServices {
  readonly config: Pick<Config, 'gateway' | 'ingest' | 'baseDir'>;
  readonly backend: DecoderBackend;
  readonly detector: FrameDetector;
  /** Tracking and recognition for cameras that want it. */
  readonly recognition: RecognitionServices;
  readonly publisher: EventPublisher;
  /** The CloudEvents `source` of this gateway. */
  readonly eventSource: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Credentials and address rules every camera URL must pass (absent: none beyond the scheme). */
  readonly admission?: CameraAdmission;
  /** A trace per analysed frame, carried into its events and logs (spans exported when configured). */
  readonly tracer: Tracer;
  /** The live view (src/live); absent: no live video. */
  readonly live?: LiveViews;
  /** Each camera's last hour in memory (src/health); absent: none kept. */
  readonly health?: HealthBook;
}

/** Shows what a camera URL that could not be parsed looks like, without what could be credentials. */
function redactRawUrl(raw: string): string {
  return raw.replace(/\/\/[^/@]*@/, '//***@');
}

/**
 * One configured camera end to end: its ingestor (decoder supervision), its analyser (and
 * recognizer), the latest frame for snapshots, its telemetry, whether it is idle, what it costs,
 * and the translation of what happens to it into events. A camera whose URL is refused (bad
 * scheme, local files not allowed) is kept as `failed` with the reason, so it shows in the API and
 * never stops the other cameras.
 */
export class CameraRuntime implements IngestListener, AnalysisListener {
  readonly config: CameraConfig;
  readonly origin: CameraOrigin;
  readonly #services: CameraServices;
  readonly #telemetry: CameraTelemetry;
  readonly #ingestor: CameraIngestor | null;
  readonly #analyzer: CameraAnalyzer | null;
  readonly #latest: LatestFrame;
  readonly #load = new CameraLoad();
  readonly #idle: IdleSettings;
  readonly #floor: DegradeTo;
  readonly #urlForDisplay: string;
  readonly #refusal: VigilError | null;
  #activity: Activity = activeSince(Date.now());
  /** When the packet that woke this camera arrived, until the first frame after it is analysed. */
  #wokeAt: number | null = null;
  #stateReason: string | null = null;
  #live: LiveCameraSink | null = null;

  constructor(camera: CameraConfig, origin: CameraOrigin, services: CameraServices) {
    this.config = camera;
    this.origin = origin;
    this.#services = services;
    const { ingest } = services.config;
    this.#idle = { enabled: (camera.idle ?? ingest.idle.mode) !== 'off', afterMs: ingest.idle.afterMs };
    this.#floor = camera.degradeTo ?? ingest.degradeTo;
    this.#telemetry = new CameraTelemetry(camera.id, services.metrics, services.logger, services.health?.recorder(camera.id, camera.fps));
    this.#latest = new LatestFrame(camera.width, camera.height);
    let url: CameraUrl | null = null;
    let refusal: VigilError | null = null;
    try {
      url = CameraUrl.parse(camera.url, { allowLocalFiles: services.config.gateway.allowLocalFiles, baseDir: services.config.baseDir });
      services.admission?.checkUrl(url);
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
    const targetCheck = services.admission?.targetCheck;
    this.#ingestor = new CameraIngestor({ camera, url, backend: services.backend, policy: ingestPolicyFor(camera, services.config), logger, listener: this, ...(targetCheck && { targetCheck }) });
    this.#analyzer = new CameraAnalyzer({
      source: this.#ingestor,
      detector: services.detector,
      logger,
      listener: this,
      tracer: services.tracer,
      camera: camera.id,
      ...(camera.recognition && { recognizer: this.#recognizer() }),
      // Per-frame events report every face's liveness; without them only reported views need it.
      livenessEveryFrame: camera.detectedEvents,
    });
    this.#telemetry.initialState(camera.enabled ? 'idle' : 'stopped');
    if (!camera.enabled) this.#stateReason = 'disabled in configuration';
  }

  get state(): CameraState {
    if (this.#refusal) return 'failed';
    if (!this.config.enabled) return 'stopped';
    return this.#ingestor?.state ?? 'idle';
  }

  get mode(): DecodeMode {
    return this.#ingestor?.mode ?? 'full';
  }

  get idle(): boolean {
    return this.#ingestor?.idle ?? false;
  }

  /** Sliding-hour figures for the metrics scrape. */
  health(now = Date.now()): { camera: string; reconnectsLastHour: number; stallsLastHour: number } {
    return { camera: this.config.id, reconnectsLastHour: this.#ingestor?.reconnects.total(now) ?? 0, stallsLastHour: this.#ingestor?.stalls.total(now) ?? 0 };
  }

  async start(): Promise<void> {
    if (this.#refusal) {
      const lastError = { code: this.#refusal.code, message: this.#refusal.message };
      // Published once the bus is up, so subscribers learn why this camera never runs.
      this.#publishStatus({ camera: this.config.id, state: 'failed', previousState: 'idle', reason: this.#stateReason, lastError, mode: 'full', idle: false, attempt: 0, at: Date.now() });
      return;
    }
    if (!this.config.enabled) return this.announce('stopped', 'idle', 'disabled in configuration');
    if (!this.#ingestor || !this.#analyzer) return;
    this.#activity = activeSince(Date.now());
    const ingestor = this.#ingestor;
    this.#live = this.#services.live?.attach({ id: this.config.id, analysisWidth: this.config.width, analysisHeight: this.config.height, setLive: (on) => ingestor.setLive(on) }) ?? null;
    this.#analyzer.start();
    await this.#ingestor.start();
  }

  /** Stops the decoder, then lets the frame in flight finish and ends the tracks (their events go out). */
  async close(timeoutMs = 3000): Promise<void> {
    this.#live?.detach();
    await this.#ingestor?.close(timeoutMs);
    await this.#analyzer?.close(timeoutMs);
  }

  destroy(): void {
    this.#live?.detach();
    this.#ingestor?.destroy();
    this.#analyzer?.destroy();
  }

  /** The camera was removed (not restarted): its metric series go with it. Call after close(). */
  forgetMetrics(): Promise<void> {
    return this.#telemetry.forget();
  }

  /** Publishes a status that no ingestor state change carries (a camera disabled or removed without running). */
  announce(state: CameraState, previousState: CameraState, reason: string): void {
    this.#publishStatus({ camera: this.config.id, state, previousState, reason, lastError: null, mode: this.mode, idle: this.idle, attempt: 0, at: Date.now() });
  }

  /** JPEG of the newest decoded frame; null before the first one. */
  snapshot(quality: number): Promise<Buffer> | null {
    return this.#latest.jpeg(quality);
  }

  /** For the capacity controller: lag and cost since the last check; null when the camera is not streaming. */
  sample(now: number): CameraSample | null {
    const ingestor = this.#ingestor;
    if (!ingestor || this.state !== 'streaming') return null;
    const { lagMs, cost, decoderCpuSeconds } = this.#load.take(ingestor.decoderPid, now, this.#analyzer?.waitingSince ?? null);
    this.#telemetry.decoderCpu(decoderCpuSeconds);
    return { camera: this.config.id, mode: ingestor.mode, floor: this.#floor, idle: ingestor.idle, lagMs, cost };
  }

  /** The capacity controller lowers or restores this camera's decode work. */
  setMode(mode: DecodeMode, reason: string): void {
    if (!this.#ingestor || mode === this.#ingestor.mode) return;
    this.#ingestor.setMode(mode);
    this.#workChanged(reason);
  }

  /** Time passing: an active camera without face or motion for long enough goes idle. */
  tick(now: number): void {
    this.#observe({ kind: 'tick', at: now });
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
      mode: this.mode,
      idle: this.idle,
      attempt: ingestor?.attempt ?? 0,
      reconnectsLastHour: health.reconnectsLastHour,
      stallsLastHour: health.stallsLastHour,
      hwaccel: this.#hwaccelView(),
    };
  }

  #hwaccelView(): CameraView['hwaccel'] {
    const reported = this.#ingestor?.hwaccel;
    if (reported) return { requested: reported.requested, active: reported.active, reason: reported.reason };
    return { requested: this.config.hwaccel ?? this.#services.config.ingest.hwaccel, active: null, reason: null };
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
    const detail = { mode: ingestor.mode, idle: ingestor.idle, attempt: ingestor.attempt, lastError: error ? { code: error.code, message: error.message } : null };
    this.#telemetry.stateChanged(change, detail);
    this.#live?.state(change.to, change.reason ?? null);
    this.#publishStatus({ camera: this.config.id, state: change.to, previousState: change.from, reason: change.reason ?? null, ...detail, at: change.at });
  }

  decoderEvent(event: DecoderEvent): void {
    if (event.kind === 'live' || event.kind === 'live-error') return this.#live?.event(event);
    if (event.kind === 'hwaccel') return this.#telemetry.hwaccel(event);
    if (event.kind !== 'woke' || event.reason !== 'motion') return;
    this.#telemetry.woke(event.catchUpMs);
    this.#wokeAt = event.at;
    this.#observe({ kind: 'motion', at: Date.now() }, `motion (a ${event.motionBytes ?? '?'}-byte P-frame against ${event.baselineBytes ?? '?'} usual); caught up ${event.catchUpPackets} packets in ${event.catchUpMs} ms`);
  }

  mediaSegment(segment: MediaSegment): void {
    this.#live?.media(segment);
  }

  // AnalysisListener: the detector's answers.

  analysed(analysis: FrameAnalysis): void {
    const now = Date.now();
    // The overload signal is how long the camera waited for its turn; the frame analysed is fresher
    // (it was taken when a worker was free: vigil_frame_age_at_analysis_seconds).
    const lagMs = now - analysis.waitingSince;
    this.#load.analysed(lagMs, analysis.inferenceMs);
    this.#telemetry.frameAnalysed(analysis.faces.length, lagMs);
    this.#live?.faces(analysis.capturedAt, analysis.faces);
    if (this.#wokeAt !== null && analysis.capturedAt >= this.#wokeAt) {
      this.#telemetry.wakeAnalysed(now - this.#wokeAt);
      this.#wokeAt = null;
    }
    this.#observe({ kind: 'analysed', faces: analysis.faces.length, at: now }, 'a face');
    if (!this.config.detectedEvents || analysis.faces.length === 0) return;
    this.#publishTraced(detectionDraft(this.#services.eventSource, this.config.id, analysis), analysis.trace);
    this.#telemetry.eventPublished('vigil.face.detected', analysis.capturedAt);
  }

  failed(): void {
    this.#telemetry.frameDropped('inference_error');
  }

  /** Feeds the idle policy; going idle or waking tells the decoder and is published. */
  #observe(event: ActivityEvent, wokeBy = ''): void {
    const before = this.#activity;
    this.#activity = nextActivity(this.#idle, before, event);
    const ingestor = this.#ingestor;
    // Compared with the policy's own last answer: a decoder that woke itself on motion is already active.
    if (!ingestor || this.#activity.idle === before.idle) return;
    ingestor.setIdle(this.#activity.idle);
    this.#workChanged(this.#activity.idle ? `idle: no face or motion for ${Math.round(this.#idle.afterMs / 1000)} s; decoding key frames only` : `woke: ${wokeBy}`);
  }

  /** Mode or idle changed without a reconnect: metrics, a log line and a status event (same state, new work). */
  #workChanged(reason: string): void {
    const ingestor = this.#ingestor as CameraIngestor;
    const state = this.state;
    this.#stateReason = reason;
    this.#telemetry.workChanged(ingestor.mode, ingestor.idle, reason);
    const error = ingestor.lastError;
    this.#publishStatus({ camera: this.config.id, state, previousState: state, reason, lastError: error ? { code: error.code, message: error.message } : null, mode: ingestor.mode, idle: ingestor.idle, attempt: ingestor.attempt, at: Date.now() });
  }

  /** An event made from a frame carries that frame's trace (a `create` span of its own when spans are exported). */
  #publishTraced(draft: EventDraft, trace: FrameTrace | null): void {
    if (!trace) {
      this.#services.publisher.publish(draft);
      return;
    }
    const ids = trace.event(draft.type, draft.id, draft.source, draft.subject);
    this.#services.publisher.publish(withTraceparent(draft, traceparent(ids)));
  }

  #publishStatus(status: CameraStatus): void {
    this.#services.publisher.publish(statusDraft(this.#services.eventSource, status));
  }

  #recognizer(): FaceRecognizer {
    const telemetry = this.#telemetry;
    const { eventSource } = this.#services;
    return new FaceRecognizer({
      ...this.#services.recognition,
      camera: this.config.id,
      onOutcome: (outcome: TrackOutcome) => {
        telemetry.outcome(outcome);
        const draft = outcomeDraft(eventSource, outcome);
        this.#publishTraced(draft, outcome.trace);
        // Recognized and unknown come from a frame (the one that settled the answer): its latency counts too.
        if (outcome.kind !== 'ended') telemetry.eventPublished(draft.type, outcome.decidedAt);
        telemetry.logger.debug({ type: draft.type, id: draft.id, trackId: outcome.trackId, traceId: outcome.trace?.ids.traceId }, 'face event published');
      },
      onEmbeddings: (count, ms) => telemetry.embedded(count, ms),
      onTrackStarted: () => telemetry.trackStarted(),
      onError: (error) => telemetry.recognitionFailed(error),
    });
  }
}
