import type { Logger } from 'pino';
import type { CameraIngestor } from '../ingest';
import type { DetectedFace, DetectorPool } from '../inference';
import type { VigilError } from '../errors';
import type { FaceRecognizer } from './face-recognizer';

/** The detector's answer for one frame. */
export interface FrameAnalysis {
  readonly camera: string;
  readonly seq: number;
  readonly capturedAt: number;
  readonly width: number;
  readonly height: number;
  readonly faces: DetectedFace[];
  readonly inferenceMs: number;
}

export interface AnalyzerOptions {
  readonly ingestor: CameraIngestor;
  readonly pool: DetectorPool;
  readonly logger: Logger;
  readonly onAnalysis: (analysis: FrameAnalysis) => void;
  readonly onError?: (error: VigilError) => void;
  /** With a recognizer, faces are analysed (landmarks, quality, liveness) and tracked. */
  readonly recognizer?: FaceRecognizer;
}

/**
 * Feeds one camera's freshest frames to the detector pool, one frame in flight at a time, so a
 * slow model makes the camera skip frames instead of queueing them. Frame buffers travel to the
 * worker and back without copies and are then recycled by the ingestor.
 */
export class CameraAnalyzer {
  readonly #options: AnalyzerOptions;
  #inFlight: Promise<void> | null = null;
  #running = false;
  #lastErrorLog = 0;
  #sweep: NodeJS.Timeout | null = null;
  framesAnalyzed = 0;
  readonly #onFrame = (): void => this.#pump();

  constructor(options: AnalyzerOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#options.ingestor.on('frame', this.#onFrame);
    // Tracks must end even when frames stop coming (camera down).
    const recognizer = this.#options.recognizer;
    if (recognizer) this.#sweep = setInterval(() => recognizer.expire(Date.now()), 500).unref();
    this.#pump();
  }

  /** Stops taking frames, waits for the frame in flight and ends the camera's tracks. */
  async close(): Promise<void> {
    this.#running = false;
    this.#options.ingestor.off('frame', this.#onFrame);
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
    await this.#inFlight;
    await this.#options.recognizer?.flush();
  }

  #pump(): void {
    if (!this.#running || this.#inFlight) return;
    const { ingestor, pool, recognizer } = this.#options;
    const frame = ingestor.takeFrame();
    if (!frame) return;
    const { cameraId, seq, capturedAt, width, height } = frame;
    this.#inFlight = pool
      .detect(frame.data.buffer as ArrayBuffer, width, height, recognizer !== undefined)
      .then(async (result) => {
        this.framesAnalyzed += 1;
        this.#options.onAnalysis({ camera: cameraId, seq, capturedAt, width, height, faces: result.faces, inferenceMs: result.inferenceMs });
        // The recognizer may move the buffer to a worker again (embedding) and hands it back.
        const pixels = recognizer ? await recognizer.process({ pixels: result.pixels, width, height, capturedAt }, result.faces) : result.pixels;
        ingestor.releaseBuffer(pixels);
      })
      .catch((error: VigilError) => this.#reportError(error))
      .finally(() => {
        this.#inFlight = null;
        this.#pump();
      });
  }

  /** Inference errors are counted every time but logged at most every 10 s per camera. */
  #reportError(error: VigilError): void {
    this.#options.onError?.(error);
    const now = Date.now();
    if (now - this.#lastErrorLog > 10_000) {
      this.#lastErrorLog = now;
      this.#options.logger.error({ err: error.toJSON ? error.toJSON() : String(error) }, 'frame analysis failed');
    }
  }
}
