import type { Logger } from 'pino';
import type { CameraConfig } from '../config';
import { StateHolder, systemClock, type Clock, type Component, type StateChange, type TimerHandle } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { resolveTarget, type TargetCheck } from './camera-target';
import type { DecodeMode } from './decode-mode';
import { canMove, planRestart, type CameraState } from './camera-state';
import { redactCredentialsInText, type CameraUrl } from './camera-url';
import type { DecoderBackend, DecoderRun } from './decoder-backend';
import type { DecoderExit } from './decoder-process';
import type { DecoderEvent } from './decoder-protocol';
import { decodeWork } from './decode-work';
import { classifyFfmpegExit } from './ffmpeg-errors';
import { FrameBufferPool, type Frame } from './frame';
import { FrameRing, ringCapacity, type DropReason } from './frame-ring';
import type { HwAccelChoice } from './hwaccel';
import type { IngestPolicy } from './ingest-policy';
import type { MediaSegment } from './live-media';
import { RecentCount } from './recent-count';
import { checkWatchdog, freshWindow, type WatchdogWindow } from './watchdog';

export interface IngestorOptions {
  readonly camera: CameraConfig;
  readonly url: CameraUrl;
  /** How the stream becomes frames (the native decoder process, or ffmpeg). */
  readonly backend: DecoderBackend;
  readonly policy: IngestPolicy;
  readonly logger: Logger;
  /** Who hears of frames, drops and state changes (the camera that owns this ingestor). */
  readonly listener?: IngestListener;
  /** Time and timers; a manual clock in tests. */
  readonly clock?: Clock;
  /** The backoff's jitter source; fixed in tests. */
  readonly random?: () => number;
  /** Checked on every connect, on each address the host resolves to then (a refused one: `failed`). */
  readonly targetCheck?: TargetCheck;
}

/** What an ingestor tells its owner. Called synchronously; must not throw. */
export interface IngestListener {
  /** A decoded frame waits in the ring. It may be read now; it moves to a worker once analysed. */
  frameReady(frame: Frame): void;
  frameDropped(reason: DropReason): void;
  /** The analyser took a frame this old (ms since it was read off the decoder). */
  frameTaken(ageMs: number): void;
  stateChanged(change: StateChange<CameraState>): void;
  /** The decoder woke itself on motion (it decodes every frame again) or opened its stream. */
  decoderEvent(event: DecoderEvent): void;
  /** Live media remuxed from the camera's packets (only while setLive(true)). */
  mediaSegment?(segment: MediaSegment): void;
}

const NO_LISTENER: IngestListener = { frameReady: () => undefined, frameDropped: () => undefined, frameTaken: () => undefined, stateChanged: () => undefined, decoderEvent: () => undefined };

/** Watchdog checks run this often. */
const TICK_MS = 250;
const ACTIVE: ReadonlySet<CameraState> = new Set(['starting', 'streaming', 'stalled', 'backoff']);

/**
 * Supervises one camera's decoder: runs it, keeps the freshest frames in a bounded ring for the
 * analyser, and moves through the states of camera-state.ts. Reconnects with backoff whenever the
 * decoder ends or the watchdog kills it. What is decoded (every frame, half, key frames only,
 * idle) is set from outside (`setMode`, `setIdle`) and applied without reconnecting where the
 * backend can. Tells its IngestListener of every frame, drop and state change. The policy lives in
 * pure functions (camera-state, watchdog, backoff, decode-work); this class only does the I/O and
 * the timers, on an injected clock.
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
  readonly #ring: FrameRing;
  #run: DecoderRun | null = null;
  #restartTimer: TimerHandle | null = null;
  #tickTimer: TimerHandle | null = null;
  /** Bumped on every start/stop so a stale exit or timer never acts on a newer run. */
  #generation = 0;
  #attempt = 0;
  #streamingSince: number | null = null;
  #seq = 0;
  #lastError: VigilError | null = null;
  #window: WatchdogWindow = freshWindow(0);
  #mode: DecodeMode = 'full';
  #idle = false;
  /** Someone watches the live view: the decoder remuxes the packets it reads (every run, until off). */
  #live = false;
  /** Set by the watchdog before it kills the decoder: the reason the run ended. */
  #fault: VigilError | null = null;
  #workRestart = false;
  #hwaccel: HwAccelChoice | null = null;
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
    return this.#mode;
  }

  get idle(): boolean {
    return this.#idle;
  }

  /** Hardware decoding as the decoder last reported it (null before a decoder opened the stream). */
  get hwaccel(): HwAccelChoice | null {
    return this.#hwaccel;
  }

  /** The running decoder process (its CPU is the camera's decoding cost), if any. */
  get decoderPid(): number | undefined {
    return this.#run?.pid;
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

  /** The capacity controller's decision for this camera. */
  setMode(mode: DecodeMode): void {
    if (mode === this.#mode) return;
    this.#mode = mode;
    this.#applyWork();
  }

  /** Idle (decode key frames only, wake on motion) or active. */
  setIdle(idle: boolean): void {
    if (idle === this.#idle) return;
    this.#idle = idle;
    this.#applyWork();
  }

  /**
   * Live view on or off: the decoder copies the packets it already reads into fMP4 (no second
   * connection to the camera). False when this backend cannot (ffmpeg).
   */
  setLive(on: boolean): boolean {
    if (!this.#options.backend.supportsLive) return false;
    if (on === this.#live) return true;
    this.#live = on;
    this.#run?.setLive(on);
    return true;
  }

  /** The newest frame waiting for analysis (older ones are dropped as stale), or undefined. */
  takeFrame(): Frame | undefined {
    const frame = this.#ring.takeNewest();
    if (frame) this.#listener.frameTaken(this.#clock.now() - frame.capturedAt);
    return frame;
  }

  /** When the newest frame waiting was read off the decoder, without taking it; undefined when none waits. */
  newestWaiting(): number | undefined {
    return this.#ring.peekNewest()?.capturedAt;
  }

  /** Gives a frame's buffer back for reuse once analysis is done with it. */
  releaseBuffer(buffer: ArrayBuffer): void {
    this.#pool.release(buffer);
  }

  async close(timeoutMs = 3000): Promise<void> {
    this.#cancel();
    const run = this.#run;
    this.#run = null;
    if (run) await run.stop(Math.max(100, timeoutMs - 500));
    this.#ring.clear('stopped');
    this.#set('stopped', 'camera stopped');
  }

  destroy(): void {
    this.#cancel();
    this.#run?.kill();
    this.#run = null;
    this.#ring.clear('stopped');
    this.#set('stopped', 'camera destroyed');
  }

  #work() {
    return decodeWork(this.#mode, this.#idle, this.camera.fps);
  }

  /** Tells the running decoder; a backend that cannot change on the fly restarts (and reconnects). */
  #applyWork(): void {
    const run = this.#run;
    if (!run || run.setWork(this.#work())) return;
    this.#options.logger.warn({ mode: this.#mode, idle: this.#idle }, 'decode work changed; restarting the decoder');
    this.#workRestart = true;
    run.kill();
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
  }

  #spawn(reason: string | undefined): void {
    const generation = ++this.#generation;
    this.#fault = null;
    this.#streamingSince = null;
    this.#window = freshWindow(this.#clock.now());
    this.#set('starting', reason ?? (this.#attempt === 0 ? 'starting decoder' : `reconnect attempt ${this.#attempt}`));
    const check = this.#options.targetCheck;
    // The bundled static ffmpeg crashes (SIGSEGV) resolving host names, so Vigil resolves them for it.
    const forDecoder = this.#options.backend.resolvesHostNames && this.url.hostToResolve !== null;
    if (!check && !forDecoder) return this.#startRun(generation, undefined);
    resolveTarget(this.url, { check, forDecoder }).then(
      (address) => {
        if (generation === this.#generation) this.#startRun(generation, address);
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#onExit({ code: null, signal: null, error: asVigilError(error, 'VIGIL_ERR_HOST_UNREACHABLE'), stderrTail: [] });
      },
    );
  }

  #startRun(generation: number, address: string | undefined): void {
    const secrets = [this.url.forSource(), this.url.forSource(address)];
    const redact = (line: string): string => redactCredentialsInText(secrets.reduce((text, secret) => text.split(secret).join(this.url.redacted), line));
    const c = this.camera;
    this.#options.logger.debug({ decoder: this.#options.backend.name, url: this.url.redacted, work: this.#work() }, 'starting the decoder');
    // Every callback checks the generation: output or an exit of a run that was replaced is ignored.
    const current = (): boolean => generation === this.#generation;
    this.#run = this.#options.backend.start({
      url: this.url,
      ...(address !== undefined && { address }),
      width: c.width,
      height: c.height,
      fps: c.fps,
      rtspTransport: c.rtspTransport,
      loop: c.loop,
      hwaccel: this.#policy.hwaccel ?? 'none',
      work: this.#work(),
      pool: this.#pool,
      redact,
      listener: {
        frame: (buffer, capturedAt) => (current() ? this.#onFrame(buffer, capturedAt) : this.#pool.release(buffer)),
        alive: () => {
          if (current()) this.#window = { ...this.#window, lastFrameAt: this.#clock.now() };
        },
        event: (event) => {
          if (!current()) return;
          if (event.kind === 'woke') this.#idle = false;
          if (event.kind === 'hwaccel') this.#hwaccel = { requested: event.requested, active: event.active, reason: event.reason };
          this.#listener.decoderEvent(event);
        },
        media: (segment) => {
          if (current()) this.#listener.mediaSegment?.(segment);
        },
        exit: (exit) => {
          if (current()) this.#onExit(exit);
        },
      },
    });
    if (this.#live) this.#run.setLive(true);
  }

  #onFrame(buffer: ArrayBuffer, capturedAt: number): void {
    const { id, width, height } = this.camera;
    const now = this.#clock.now();
    const frame: Frame = { cameraId: id, seq: this.#seq++, width, height, capturedAt, data: new Uint8Array(buffer) };
    this.framesDecoded += 1;
    this.#window = { lastFrameAt: now, windowStart: this.#window.windowStart, frames: this.#window.frames + 1 };
    if (this.state === 'starting') {
      this.#streamingSince = now;
      this.#lastError = null;
      this.#set('streaming', 'receiving frames');
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
      this.#kill(new VigilError('VIGIL_ERR_STREAM_STALLED', `no frame for ${Math.round(verdict.silentMs / 1000)} s (stall timeout ${this.#policy.stallTimeoutMs} ms)`), true);
      return;
    }
    if (verdict.kind === 'too_fast') {
      this.#kill(new VigilError('VIGIL_ERR_FRAME_RATE_ANOMALY', `${verdict.fps.toFixed(1)} frames/s against ${this.camera.fps} configured`), false);
      return;
    }
    if (state === 'streaming' && this.#attempt > 0 && this.#streamingSince !== null && now - this.#streamingSince >= this.#policy.healthyAfterMs) this.#attempt = 0;
  }

  /** The watchdog's way out: remember why, show `stalled` if it was a stall, kill the group. */
  #kill(error: VigilError, stalled: boolean): void {
    this.#fault = error;
    this.#lastError = error;
    this.#options.logger.warn({ err: error.toJSON() }, 'watchdog is killing the decoder');
    if (stalled) this.#set('stalled', error.message);
    if (this.#run) return this.#run.kill();
    // Still resolving the host: no process to wait for, so end the run here.
    this.#generation += 1;
    this.#onExit({ code: null, signal: null, error: undefined, stderrTail: [] });
  }

  #onExit(exit: DecoderExit): void {
    this.#run = null;
    if (this.#workRestart) {
      this.#workRestart = false;
      this.#spawn(`decode mode ${this.#mode}${this.#idle ? ' (idle)' : ''}`);
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
    const random = this.#options.random;
    const plan = planRestart({ attempt: this.#attempt, streamingSince: this.#streamingSince, now, healthyAfterMs: this.#policy.healthyAfterMs, policy: this.#policy.backoff, ...(random && { random }) });
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
