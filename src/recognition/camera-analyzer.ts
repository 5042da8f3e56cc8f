import type { Logger } from 'pino';
import type { DetectedFace, DetectResult } from '../inference';
import type { VigilError } from '../errors';
import type { FrameTrace, Tracer } from '../observability';
import type { FaceRecognizer } from './face-recognizer';

/** A decoded frame as the analyser needs it. `data` owns its whole ArrayBuffer (it moves to a worker). */
export interface AnalysisFrame {
  readonly seq: number;
  readonly width: number;
  readonly height: number;
  /** When the frame was read off the decoder (ms since the epoch). */
  readonly capturedAt: number;
  readonly data: Uint8Array;
}

/** Where one camera's frames come from (its ingestor). The analyser pulls; the owner calls `frameReady()`. */
export interface FrameSource {
  /** The newest frame waiting (older ones are dropped as stale), or undefined. */
  takeFrame(): AnalysisFrame | undefined;
  /** When the newest frame waiting was read off the decoder (ms since the epoch), without taking it; undefined when none waits. */
  newestWaiting(): number | undefined;
  /** Gives a frame's buffer back for reuse once analysis is done with it. */
  releaseBuffer(buffer: ArrayBuffer): void;
}

/** A frame handed to the detector: its pixels move to a worker and come back in the result. */
export interface DetectorFrame {
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  readonly analyze: boolean;
  /** With `analyze`: liveness of every face too (false: only the views the recognizer reports get one). */
  readonly liveness: boolean;
}

/**
 * Runs the face detector (the inference pool). The frame is asked for (`take`) only when a worker
 * is free for it, so a camera that waited behind others is analysed on its newest frame; null when
 * `take` had none by then.
 */
export interface FrameDetector {
  detectLatest(take: () => DetectorFrame | undefined): Promise<DetectResult | null>;
}

/** The detector's answer for one frame. */
export interface FrameAnalysis {
  readonly seq: number;
  readonly capturedAt: number;
  /**
   * When the newest frame waiting at the camera's request for a worker was read off the decoder:
   * how long the camera waited for its turn is measured from here (the overload signal), while
   * `capturedAt` (the frame actually analysed, taken when a worker was free) says how fresh it was.
   */
  readonly waitingSince: number;
  readonly width: number;
  readonly height: number;
  readonly faces: DetectedFace[];
  readonly inferenceMs: number;
  /** The frame's trace: events made from it carry it (`traceparent`), log lines its `traceId`. */
  readonly trace: FrameTrace;
}

/** What the analyser reports to its camera. Called synchronously; must not throw. */
export interface AnalysisListener {
  analysed(analysis: FrameAnalysis): void;
  failed(error: VigilError): void;
}

export interface AnalyzerOptions {
  readonly source: FrameSource;
  readonly detector: FrameDetector;
  readonly logger: Logger;
  readonly listener: AnalysisListener;
  /** With a recognizer, faces are analysed (landmarks, quality, liveness) and tracked. */
  readonly recognizer?: FaceRecognizer;
  /**
   * Liveness of every face of every frame (a camera with per-frame events, which report it).
   * Otherwise only the tracks' best views get one, when the recognizer reports them: the model
   * costs more than landmarks and quality together.
   */
  readonly livenessEveryFrame?: boolean;
  /** A trace per analysed frame (ids only unless spans are exported); the camera id names its spans. */
  readonly tracer: Tracer;
  readonly camera: string;
}

/**
 * Feeds one camera's freshest frames to the detector, one frame in flight at a time, so a slow
 * model makes the camera skip frames instead of queueing them. Frame buffers travel to the worker
 * and back without copies and are then given back to the source.
 */
export class CameraAnalyzer {
  readonly #options: AnalyzerOptions;
  #inFlight: Promise<void> | null = null;
  #running = false;
  #lastErrorLog = 0;
  #sweep: NodeJS.Timeout | null = null;
  #waitingSince: number | null = null;
  framesAnalyzed = 0;

  constructor(options: AnalyzerOptions) {
    this.#options = options;
  }

  /**
   * Since when the frame this camera asked a worker for has been waiting (capture time of the
   * newest frame it had when it asked), until its detection is done; null when it is not waiting.
   * A camera starved of workers finishes no analysis, so only this shows how far behind it is.
   */
  get waitingSince(): number | null {
    return this.#waitingSince;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    // Tracks must end even when frames stop coming (camera down).
    const recognizer = this.#options.recognizer;
    if (recognizer) this.#sweep = setInterval(() => recognizer.expire(Date.now()), 500).unref();
    this.frameReady();
  }

  /**
   * A new frame waits in the source: ask for a worker unless a request is in flight. The frame is
   * taken when the worker is free (the newest by then), so waiting in the queue never ages it.
   */
  frameReady(): void {
    if (!this.#running || this.#inFlight) return;
    const { source, detector, recognizer, listener } = this.#options;
    const waitingSince = source.newestWaiting();
    if (waitingSince === undefined) return;
    let frame: AnalysisFrame | undefined;
    let sentAt = 0;
    const take = (): DetectorFrame | undefined => {
      frame = this.#running ? source.takeFrame() : undefined;
      sentAt = Date.now();
      return frame && { pixels: frame.data.buffer as ArrayBuffer, width: frame.width, height: frame.height, analyze: recognizer !== undefined, liveness: this.#options.livenessEveryFrame === true };
    };
    let trace: FrameTrace | null = null;
    this.#waitingSince = waitingSince;
    this.#inFlight = detector
      .detectLatest(take)
      .then(async (result) => {
        this.#waitingSince = null;
        if (!result || !frame) return;
        const { seq, capturedAt, width, height } = frame;
        // The frame's trace starts when it was read off the decoder.
        trace = this.#options.tracer.frame(this.#options.camera, seq, capturedAt);
        const detectedAt = Date.now();
        trace.step('detect', sentAt, detectedAt, { 'vigil.faces': result.faces.length, 'vigil.inference_ms': result.inferenceMs });
        this.framesAnalyzed += 1;
        listener.analysed({ seq, capturedAt, waitingSince: Math.min(waitingSince, capturedAt), width, height, faces: result.faces, inferenceMs: result.inferenceMs, trace });
        // The recognizer may move the buffer to a worker again (embedding) and hands it back.
        const pixels = recognizer ? await recognizer.process({ pixels: result.pixels, width, height, capturedAt, trace }, result.faces) : result.pixels;
        source.releaseBuffer(pixels);
        const doneAt = Date.now();
        if (recognizer) trace.step('recognize', detectedAt, doneAt, { 'vigil.faces': result.faces.length });
        trace.end(doneAt);
      })
      .catch((error: VigilError) => {
        const failed = trace ?? this.#options.tracer.frame(this.#options.camera, frame?.seq ?? 0, frame?.capturedAt ?? Date.now());
        failed.end(Date.now(), error.message);
        this.#reportError(error, failed);
      })
      .finally(() => {
        this.#inFlight = null;
        this.#waitingSince = null;
        this.frameReady();
      });
  }

  /** Stops taking frames, waits (at most `timeoutMs`) for the frame in flight and ends the camera's tracks. */
  async close(timeoutMs = 5000): Promise<void> {
    this.#running = false;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#inFlight, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    await this.#options.recognizer?.flush();
  }

  /** Stops taking frames now; the frame in flight is abandoned (its events are not published). */
  destroy(): void {
    this.#running = false;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /** Inference errors are counted every time but logged at most every 10 s per camera (with the frame's trace id). */
  #reportError(error: VigilError, trace: FrameTrace): void {
    this.#options.listener.failed(error);
    const now = Date.now();
    if (now - this.#lastErrorLog > 10_000) {
      this.#lastErrorLog = now;
      this.#options.logger.error({ err: error.toJSON ? error.toJSON() : String(error), traceId: trace.ids.traceId }, 'frame analysis failed');
    }
  }
}
