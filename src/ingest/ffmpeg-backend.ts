import type { DecodeMode } from './decode-mode';
import type { DecoderBackend, DecoderRun, DecoderRunOptions } from './decoder-backend';
import { DecoderProcess } from './decoder-process';
import type { DecodeWork } from './decoder-protocol';
import { buildFfmpegArgs } from './ffmpeg-args';
import { checkFfmpegDevice, type FfmpegCapabilities } from './ffmpeg-probe';
import { FrameSlicer } from './frame-slicer';
import { chooseHwAccel, type HwAccelChoice, type HwAccelSetting } from './hwaccel';

/** The ffmpeg argument set that does `work`. */
function modeFor(work: DecodeWork, fps: number): DecodeMode {
  if (work.decode === 'keyframes') return 'keyframes';
  return work.fps < fps ? 'half-fps' : 'full';
}

/**
 * The ffmpeg command-line backend (FFMPEG_PATH or `ingest.decoder: ffmpeg`): one ffmpeg per camera
 * decoding to raw RGB on stdout, as before the native decoder. Changing what is decoded means
 * restarting ffmpeg (and so reconnecting); it cannot wake on motion. Its command line holds the
 * camera URL, credentials included.
 */
export interface FfmpegBackendOptions {
  readonly path: string;
  /** What the probe found (version, hwaccels); it decides the arguments. */
  readonly capabilities: FfmpegCapabilities;
  /** The bundled static ffmpeg crashes resolving host names: Vigil resolves them for it. */
  readonly resolvesHostNames: boolean;
  /** Nice steps below the gateway (`ingest.decoderNice`; 0 or absent: the same priority). */
  readonly nice?: number;
}

export function ffmpegBackend(options: FfmpegBackendOptions): DecoderBackend {
  // Whether a device opens does not change while the gateway runs: each method is checked once.
  const devices = new Map<string, string | null>();
  const choices = new Map<HwAccelSetting, HwAccelChoice>();
  const choose = (requested: HwAccelSetting): HwAccelChoice => {
    let choice = choices.get(requested);
    if (!choice) {
      choice = chooseHwAccel(requested, options.capabilities.hwaccels, (method) => {
        if (!devices.has(method)) devices.set(method, checkFfmpegDevice(options.path, method));
        return devices.get(method) ?? null;
      });
      choices.set(requested, choice);
    }
    return choice;
  };
  return {
    name: 'ffmpeg',
    resolvesHostNames: options.resolvesHostNames,
    // Its only output is raw pictures at the analysis size; a live view would need a second output (see README "Live video").
    supportsLive: false,
    ffmpegVersion: () => Promise.resolve(options.capabilities.version),
    start: (run) => new FfmpegDecoderRun(options, choose(run.hwaccel), run),
  };
}

class FfmpegDecoderRun implements DecoderRun {
  readonly #process: DecoderProcess;
  readonly #mode: DecodeMode;
  readonly #fps: number;

  constructor(ffmpeg: FfmpegBackendOptions, hwaccel: HwAccelChoice, run: DecoderRunOptions) {
    const { listener, pool } = run;
    this.#fps = run.fps;
    this.#mode = modeFor(run.work, run.fps);
    const spec = {
      url: run.url,
      fps: run.fps,
      width: run.width,
      height: run.height,
      rtspTransport: run.rtspTransport,
      loop: run.loop,
      mode: this.#mode,
      ffmpeg: ffmpeg.capabilities,
      hwaccel: hwaccel.active,
      ...(run.address !== undefined && { address: run.address }),
    };
    const slicer = new FrameSlicer(pool, (buffer) => listener.frame(buffer, Date.now(), 0));
    // Told as the native decoder tells it, once the run exists.
    queueMicrotask(() => listener.event({ kind: 'hwaccel', ...hwaccel }));
    this.#process = new DecoderProcess(ffmpeg.path, buildFfmpegArgs(spec), run.redact, {
      data: (chunk) => {
        listener.alive();
        slicer.push(chunk);
      },
      exit: (exit) => {
        slicer.reset();
        listener.exit(exit);
      },
    }, { ...(ffmpeg.nice !== undefined && { nice: ffmpeg.nice }) });
  }

  setWork(work: DecodeWork): boolean {
    return modeFor(work, this.#fps) === this.#mode;
  }

  setLive(): void {
    // Not supported (supportsLive is false): the live view refuses such cameras before asking.
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  stop(graceMs: number): Promise<void> {
    return this.#process.stop(graceMs);
  }

  kill(): void {
    this.#process.kill();
  }
}
