import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { CameraConfig } from '../config';
import { StateHolder, type Component, type StateChange } from '../lifecycle';
import type { VigilError } from '../errors';
import { backoffDelay, type BackoffPolicy } from './backoff';
import type { CameraUrl } from './camera-url';
import { buildFfmpegArgs, describeFfmpegArgs, type DecodeSpec } from './ffmpeg-args';
import { classifyFfmpegExit } from './ffmpeg-errors';
import { FfmpegProcess, type FfmpegExit } from './ffmpeg-process';
import { FrameBufferPool, type Frame } from './frame';
import { FrameRing, type DropReason } from './frame-ring';
import { FrameSlicer } from './frame-slicer';

export type CameraState = 'idle' | 'starting' | 'streaming' | 'backoff' | 'stopped' | 'failed';

export interface IngestorOptions {
  readonly camera: CameraConfig;
  readonly url: CameraUrl;
  readonly ffmpegPath: string;
  readonly backoff: BackoffPolicy;
  readonly logger: Logger;
  /** Frames waiting for analysis; beyond it the oldest are dropped. */
  readonly ringCapacity?: number;
  /** After this long streaming, the next failure starts the backoff from the base again. */
  readonly healthyResetMs?: number;
}

/**
 * Runs one camera's ffmpeg, cuts its output into frames and keeps the freshest ones in a bounded
 * ring for the analyser. Restarts ffmpeg with backoff whenever it exits. Emits 'frame' when a
 * frame is ready, 'drop' (frame, reason) for every dropped one, and 'state' changes.
 */
export class CameraIngestor extends EventEmitter implements Component<CameraState> {
  readonly name: string;
  readonly camera: CameraConfig;
  readonly url: CameraUrl;
  readonly #options: IngestorOptions;
  readonly #state = new StateHolder<CameraState>('idle');
  readonly #pool: FrameBufferPool;
  readonly #slicer: FrameSlicer;
  readonly #ring: FrameRing;
  #process: FfmpegProcess | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  /** Bumped on every start/stop so a stale exit or timer never acts on a newer run. */
  #generation = 0;
  #attempt = 0;
  #streamingSince = 0;
  #seq = 0;
  #lastError: VigilError | null = null;
  framesDecoded = 0;
  framesDropped = 0;

  constructor(options: IngestorOptions) {
    super();
    this.#options = options;
    this.camera = options.camera;
    this.url = options.url;
    this.name = `camera:${options.camera.id}`;
    const ringCapacity = options.ringCapacity ?? 2;
    const frameBytes = options.camera.width * options.camera.height * 3;
    // Buffers in use at once: the ring, one being written, one being analysed.
    this.#pool = new FrameBufferPool(frameBytes, ringCapacity + 2);
    this.#ring = new FrameRing(ringCapacity, (frame, reason) => this.#drop(frame, reason));
    this.#slicer = new FrameSlicer(this.#pool, (buffer) => this.#onFrame(buffer));
    this.#state.onChange((change) => this.emit('state', change));
  }

  get state(): CameraState {
    return this.#state.state;
  }

  get lastError(): VigilError | null {
    return this.#lastError;
  }

  onState(listener: (change: StateChange<CameraState>) => void): () => void {
    return this.#state.onChange(listener);
  }

  async start(): Promise<void> {
    if (this.state === 'starting' || this.state === 'streaming' || this.state === 'backoff') return;
    this.#attempt = 0;
    this.#spawn();
  }

  /** The newest frame waiting for analysis (older ones are dropped as stale), or undefined. */
  takeFrame(): Frame | undefined {
    return this.#ring.takeNewest();
  }

  /** Gives a frame's buffer back for reuse once analysis is done with it. */
  releaseBuffer(buffer: ArrayBuffer): void {
    this.#pool.release(buffer);
  }

  async close(timeoutMs = 3000): Promise<void> {
    this.#cancel();
    const process = this.#process;
    this.#process = null;
    if (process) await process.stop(Math.max(100, timeoutMs - 500));
    this.#ring.clear();
    this.#state.set('stopped', 'camera stopped');
  }

  destroy(): void {
    this.#cancel();
    this.#process?.kill();
    this.#process = null;
    this.#ring.clear();
    this.#state.set('stopped', 'camera destroyed');
  }

  #cancel(): void {
    this.#generation += 1;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#slicer.reset();
  }

  #spawn(): void {
    const generation = ++this.#generation;
    const spec: DecodeSpec = { ...this.camera, url: this.url };
    this.#state.set('starting', this.#attempt === 0 ? 'starting decoder' : `reconnect attempt ${this.#attempt}`);
    this.#options.logger.debug({ args: describeFfmpegArgs(spec) }, 'starting ffmpeg');
    const secret = this.url.forSource();
    const redact = (line: string): string => line.split(secret).join(this.url.redacted);
    const process = new FfmpegProcess(this.#options.ffmpegPath, buildFfmpegArgs(spec), redact);
    this.#process = process;
    process.on('data', (chunk: Buffer) => {
      if (generation === this.#generation) this.#slicer.push(chunk);
    });
    process.on('exit', (exit: FfmpegExit) => {
      if (generation === this.#generation) this.#onExit(exit);
    });
  }

  #onFrame(buffer: ArrayBuffer): void {
    const { id, width, height } = this.camera;
    const frame: Frame = { cameraId: id, seq: this.#seq++, width, height, capturedAt: Date.now(), data: new Uint8Array(buffer) };
    this.framesDecoded += 1;
    if (this.state !== 'streaming') {
      this.#streamingSince = Date.now();
      this.#lastError = null;
      this.#state.set('streaming', 'receiving frames');
    }
    this.#ring.push(frame);
    this.emit('frame');
  }

  #drop(frame: Frame, reason: DropReason): void {
    this.framesDropped += 1;
    this.#pool.release(frame.data.buffer as ArrayBuffer);
    this.emit('drop', reason);
  }

  #onExit(exit: FfmpegExit): void {
    this.#process = null;
    this.#slicer.reset();
    const { error, retry } = classifyFfmpegExit(exit, this.url.kind);
    this.#lastError = error;
    const log = this.#options.logger;
    if (!retry) {
      log.error({ err: error.toJSON(), stderr: exit.stderrTail }, 'camera failed; retrying cannot fix this');
      this.#state.set('failed', error.message);
      return;
    }
    const healthyResetMs = this.#options.healthyResetMs ?? 30_000;
    if (this.state === 'streaming' && Date.now() - this.#streamingSince >= healthyResetMs) this.#attempt = 0;
    const delay = backoffDelay(this.#options.backoff, this.#attempt);
    this.#attempt += 1;
    log.warn({ err: error.toJSON(), stderr: exit.stderrTail, delayMs: delay, attempt: this.#attempt }, 'ffmpeg exited; restarting after a delay');
    this.#state.set('backoff', `${error.message}; retrying in ${delay} ms`);
    const generation = this.#generation;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (generation === this.#generation) this.#spawn();
    }, delay);
  }
}
