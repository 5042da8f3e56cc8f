import { lookup } from 'node:dns/promises';
import type { Logger } from 'pino';
import type { CameraConfig } from '../config';
import { StateHolder, systemClock, type Clock, type Component, type StateChange, type TimerHandle } from '../lifecycle';
import { VigilError } from '../errors';
import { INITIAL_ADAPTIVE, nextAdaptiveState, type AdaptiveState, type DecodeMode } from './adaptive';
import type { IngestPolicy } from './ingest-policy';
import { redactCredentialsInText, type CameraUrl } from './camera-url';
import { canMove, planRestart, type CameraState } from './camera-state';
import { buildFfmpegArgs, describeFfmpegArgs } from './ffmpeg-args';
import { classifyFfmpegExit } from './ffmpeg-errors';
import { FfmpegProcess, type FfmpegExit } from './ffmpeg-process';
import { FrameBufferPool, type Frame } from './frame';
import { FrameRing, ringCapacity, type DropReason } from './frame-ring';
import { FrameSlicer } from './frame-slicer';
import { RecentCount } from './recent-count';
import { checkWatchdog, freshWindow, type WatchdogWindow } from './watchdog';

export interface IngestorOptions {
  readonly camera: CameraConfig;
  readonly url: CameraUrl;
  readonly ffmpegPath: string;
  readonly policy: IngestPolicy;
  readonly logger: Logger;
  /**
   * Resolve the camera's host name in Node and give ffmpeg the address. Needed for the bundled
   * static ffmpeg 4.1, which crashes (SIGSEGV) resolving names; a system ffmpeg (FFMPEG_PATH)
   * resolves names itself, which keeps TLS server names (SNI) and playlist hosts working.
   */
  readonly resolveHostNames?: boolean;
  /** Who hears of frames, drops and state changes (the camera that owns this ingestor). */
  readonly listener?: IngestListener;
  /** Time and timers; a manual clock in tests. */
  readonly clock?: Clock;
  /** The backoff's jitter source; fixed in tests. */
  readonly random?: () => number;
}

/** What an ingestor tells its owner. Called synchronously; must not throw. */
export interface IngestListener {
  /** A decoded frame waits in the ring. It may be read now; it moves to a worker once analysed. */
  frameReady(frame: Frame): void;
  frameDropped(reason: DropReason): void;
  /** The analyser took a frame this old (ms since it was read off the decoder). */
  frameTaken(ageMs: number): void;
  stateChanged(change: StateChange<CameraState>): void;
}

const NO_LISTENER: IngestListener = { frameReady: () => undefined, frameDropped: () => undefined, frameTaken: () => undefined, stateChanged: () => undefined };

/** Watchdog checks run this often; adaptive checks once a second. */
const TICK_MS = 250;
const ADAPTIVE_CHECK_MS = 1000;
const ACTIVE: ReadonlySet<CameraState> = new Set(['starting', 'streaming', 'stalled', 'backoff']);

/**
 * Supervises one camera's ffmpeg: runs it, cuts its output into frames, keeps the freshest in a
 * bounded ring for the analyser, and moves through the states of camera-state.ts. Restarts with
 * backoff whenever ffmpeg exits or the watchdog kills it; lowers the decode work while the
 * analyser cannot keep up. Tells its IngestListener of every frame, drop and state change. The
 * policy lives in pure functions (camera-state, watchdog, adaptive, backoff); this class only does
 * the I/O and the timers, on an injected clock.
 */
export class CameraIngestor implements Component<CameraState> {
  readonly name: string;
  readonly camera: CameraConfig;
  readonly url: CameraUrl;
  readonly #options: IngestorOptions;
  readonly #policy: IngestPolicy;
  readonly #listener: IngestListener;
  readonly #clock: Clock;
  readonly #state: StateHolder<CameraState>;
  readonly #pool: FrameBufferPool;
  readonly #slicer: FrameSlicer;
  readonly #ring: FrameRing;
  #process: FfmpegProcess | null = null;
  #restartTimer: TimerHandle | null = null;
  #tickTimer: TimerHandle | null = null;
  /** Bumped on every start/stop so a stale exit or timer never acts on a newer run. */
  #generation = 0;
  #attempt = 0;
  #streamingSince: number | null = null;
  #seq = 0;
  #lastError: VigilError | null = null;
  #window: WatchdogWindow = freshWindow(0);
  #adaptive: AdaptiveState = INITIAL_ADAPTIVE;
  #lastAdaptiveCheck = 0;
  /** Set by the watchdog before it kills ffmpeg: the reason the run ended. */
  #fault: VigilError | null = null;
  #modeRestart = false;
  readonly reconnects = new RecentCount();
  readonly stalls = new RecentCount();
  framesDecoded = 0;
  framesDropped = 0;

  constructor(options: IngestorOptions) {
    this.#options = options;
    this.#policy = options.policy;
    this.#listener = options.listener ?? NO_LISTENER;
    this.#clock = options.clock ?? systemClock;
    this.#state = new StateHolder<CameraState>('idle', this.#clock);
    this.camera = options.camera;
    this.url = options.url;
    this.name = `camera:${options.camera.id}`;
    const frameBytes = options.camera.width * options.camera.height * 3;
    const capacity = ringCapacity(this.#policy.ringFrames, this.#policy.ringBytes, frameBytes);
    // Buffers in use at once: the ring, one being written, one being analysed.
    this.#pool = new FrameBufferPool(frameBytes, capacity + 2);
    this.#ring = new FrameRing(capacity, (frame, reason) => this.#drop(frame, reason));
    this.#slicer = new FrameSlicer(this.#pool, (buffer) => this.#onFrame(buffer));
    this.#state.onChange((change) => this.#listener.stateChanged(change));
  }

  get state(): CameraState {
    return this.#state.state;
  }

  get lastError(): VigilError | null {
    return this.#lastError;
  }

  /** Reconnect attempts since the stream was last healthy (0 while healthy). */
  get attempt(): number {
    return this.#attempt;
  }

  get mode(): DecodeMode {
    return this.#adaptive.mode;
  }

  get ringCapacity(): number {
    return this.#ring.capacity;
  }

  async start(): Promise<void> {
    if (ACTIVE.has(this.state)) return;
    this.#attempt = 0;
    this.#lastError = null;
    this.#tickTimer = this.#clock.setInterval(() => this.#tick(), TICK_MS);
    this.#spawn(undefined);
  }

  /** The newest frame waiting for analysis (older ones are dropped as stale), or undefined. */
  takeFrame(): Frame | undefined {
    const frame = this.#ring.takeNewest();
    if (frame) this.#listener.frameTaken(this.#clock.now() - frame.capturedAt);
    return frame;
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
    this.#ring.clear('stopped');
    this.#set('stopped', 'camera stopped');
  }

  destroy(): void {
    this.#cancel();
    this.#process?.kill();
    this.#process = null;
    this.#ring.clear('stopped');
    this.#set('stopped', 'camera destroyed');
  }

  #set(to: CameraState, reason: string): void {
    if (this.state === to) return;
    if (!canMove(this.state, to)) {
      this.#options.logger.error({ from: this.state, to, reason }, 'refused an impossible camera state change (a bug)');
      return;
    }
    this.#state.set(to, reason);
  }

  #cancel(): void {
    this.#generation += 1;
    this.#clock.clearTimeout(this.#restartTimer);
    this.#clock.clearInterval(this.#tickTimer);
    this.#restartTimer = null;
    this.#tickTimer = null;
    this.#slicer.reset();
  }

  #spawn(reason: string | undefined): void {
    const generation = ++this.#generation;
    this.#fault = null;
    this.#streamingSince = null;
    this.#window = freshWindow(this.#clock.now());
    this.#set('starting', reason ?? (this.#attempt === 0 ? 'starting decoder' : `reconnect attempt ${this.#attempt}`));
    const host = this.#options.resolveHostNames === false ? null : this.url.hostToResolve;
    if (!host) return this.#run(generation, undefined);
    // The static ffmpeg crashes (SIGSEGV) resolving host names, so Vigil resolves them itself.
    lookup(host).then(
      ({ address }) => {
        if (generation === this.#generation) this.#run(generation, address);
      },
      (error: NodeJS.ErrnoException) => {
        if (generation !== this.#generation) return;
        const failure = new VigilError('VIGIL_ERR_HOST_UNREACHABLE', `cannot resolve camera host "${host}" (${error.code ?? error.message})`);
        this.#onExit({ code: null, signal: null, error: failure, stderrTail: [] });
      },
    );
  }

  #run(generation: number, address: string | undefined): void {
    const spec = address === undefined ? { ...this.camera, url: this.url, mode: this.#adaptive.mode } : { ...this.camera, url: this.url, mode: this.#adaptive.mode, address };
    this.#options.logger.debug({ args: describeFfmpegArgs(spec) }, 'starting ffmpeg');
    const secrets = [this.url.forSource(), this.url.forSource(address)];
    const redact = (line: string): string => redactCredentialsInText(secrets.reduce((text, secret) => text.split(secret).join(this.url.redacted), line));
    // Both callbacks check the generation: output or an exit of a run that was replaced is ignored.
    this.#process = new FfmpegProcess(this.#options.ffmpegPath, buildFfmpegArgs(spec), redact, {
      data: (chunk) => {
        if (generation === this.#generation) this.#slicer.push(chunk);
      },
      exit: (exit) => {
        if (generation === this.#generation) this.#onExit(exit);
      },
    });
  }

  #onFrame(buffer: ArrayBuffer): void {
    const { id, width, height } = this.camera;
    const now = this.#clock.now();
    const frame: Frame = { cameraId: id, seq: this.#seq++, width, height, capturedAt: now, data: new Uint8Array(buffer) };
    this.framesDecoded += 1;
    this.#window = { lastFrameAt: now, windowStart: this.#window.windowStart, frames: this.#window.frames + 1 };
    if (this.state === 'starting') {
      this.#streamingSince = now;
      this.#lastError = null;
      this.#set('streaming', this.#adaptive.mode === 'full' ? 'receiving frames' : `receiving frames (decode mode ${this.#adaptive.mode})`);
    }
    this.#ring.push(frame);
    // The owner may read the frame now (snapshots copy it); it moves to a worker once analysed.
    this.#listener.frameReady(frame);
  }

  #drop(frame: Frame, reason: DropReason): void {
    this.framesDropped += 1;
    this.#pool.release(frame.data.buffer as ArrayBuffer);
    this.#listener.frameDropped(reason);
  }

  #tick(): void {
    const state = this.state;
    if (state !== 'starting' && state !== 'streaming') return;
    const now = this.#clock.now();
    const { verdict, window } = checkWatchdog(
      { stallTimeoutMs: this.#policy.stallTimeoutMs, expectedFps: this.camera.fps, maxFpsFactor: this.#policy.maxFpsFactor, windowMs: this.#policy.rateWindowMs },
      this.#window,
      now,
    );
    this.#window = window;
    if (verdict.kind === 'stalled') {
      this.stalls.add(now);
      const error = new VigilError('VIGIL_ERR_STREAM_STALLED', `no frame for ${Math.round(verdict.silentMs / 1000)} s (stall timeout ${this.#policy.stallTimeoutMs} ms)`);
      this.#kill(error, true);
      return;
    }
    if (verdict.kind === 'too_fast') {
      const error = new VigilError('VIGIL_ERR_FRAME_RATE_ANOMALY', `${verdict.fps.toFixed(1)} frames/s against ${this.camera.fps} configured`);
      this.#kill(error, false);
      return;
    }
    if (state !== 'streaming' || now - this.#lastAdaptiveCheck < ADAPTIVE_CHECK_MS) return;
    this.#lastAdaptiveCheck = now;
    if (this.#attempt > 0 && this.#streamingSince !== null && now - this.#streamingSince >= this.#policy.healthyAfterMs) this.#attempt = 0;
    this.#checkAdaptive();
  }

  #checkAdaptive(): void {
    const p = this.#policy;
    const capacity = this.#ring.capacity;
    const limits = {
      highWatermark: Math.max(1, Math.ceil(capacity * p.highWatermark)),
      lowWatermark: Math.floor(capacity * p.lowWatermark),
      degradeAfterChecks: p.degradeAfterChecks,
      restoreAfterChecks: p.restoreAfterChecks,
      degradeTo: p.degradeTo,
    };
    const before = this.#adaptive.mode;
    this.#adaptive = nextAdaptiveState(limits, this.#adaptive, this.#ring.takePeak());
    if (this.#adaptive.mode === before) return;
    this.#options.logger.warn({ from: before, to: this.#adaptive.mode }, 'decode mode changed; restarting the decoder');
    this.#modeRestart = true;
    this.#process?.kill();
  }

  /** The watchdog's way out: remember why, show `stalled` if it was a stall, kill the group. */
  #kill(error: VigilError, stalled: boolean): void {
    this.#fault = error;
    this.#lastError = error;
    this.#options.logger.warn({ err: error.toJSON() }, 'watchdog is killing the decoder');
    if (stalled) this.#set('stalled', error.message);
    if (this.#process) return this.#process.kill();
    // Still resolving the host: no process to wait for, so end the run here.
    this.#generation += 1;
    this.#onExit({ code: null, signal: null, error: undefined, stderrTail: [] });
  }

  #onExit(exit: FfmpegExit): void {
    this.#process = null;
    this.#slicer.reset();
    if (this.#modeRestart) {
      this.#modeRestart = false;
      this.#spawn(`decode mode ${this.#adaptive.mode}`);
      return;
    }
    const fault = this.#fault;
    const { error, retry } = fault ? { error: fault, retry: true } : classifyFfmpegExit(exit, this.url.kind);
    this.#lastError = error;
    const log = this.#options.logger;
    if (!retry) {
      log.error({ err: error.toJSON(), stderr: exit.stderrTail }, 'camera failed; retrying cannot fix this');
      this.#clock.clearInterval(this.#tickTimer);
      this.#tickTimer = null;
      this.#set('failed', `${error.message} (${error.code}; not retrying)`);
      return;
    }
    const now = this.#clock.now();
    const plan = planRestart({ attempt: this.#attempt, streamingSince: this.#streamingSince, now, healthyAfterMs: this.#policy.healthyAfterMs, policy: this.#policy.backoff, ...(this.#options.random && { random: this.#options.random }) });
    this.#attempt = plan.attempt;
    this.reconnects.add(now);
    log.warn({ err: error.toJSON(), stderr: exit.stderrTail, delayMs: plan.delayMs, attempt: plan.attempt }, 'decoder ended; reconnecting after a delay');
    this.#set('backoff', `${error.message}; reconnect attempt ${plan.attempt} in ${plan.delayMs} ms`);
    const generation = this.#generation;
    this.#restartTimer = this.#clock.setTimeout(() => {
      this.#restartTimer = null;
      if (generation === this.#generation) this.#spawn(undefined);
    }, plan.delayMs);
  }
}
