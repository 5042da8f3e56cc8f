import type { DecodeMode } from './decode-mode';
import type { DecoderBackend, DecoderRun, DecoderRunOptions } from './decoder-backend';
import { DecoderProcess } from './decoder-process';
import type { DecodeWork } from './decoder-protocol';
import { buildFfmpegArgs } from './ffmpeg-args';
import { FrameSlicer } from './frame-slicer';

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
export function ffmpegBackend(ffmpegPath: string, resolvesHostNames: boolean): DecoderBackend {
  return {
    name: 'ffmpeg',
    resolvesHostNames,
    // Its only output is raw pictures at the analysis size; a live view would need a second output (see README "Live video").
    supportsLive: false,
    start: (run) => new FfmpegDecoderRun(ffmpegPath, run),
  };
}

class FfmpegDecoderRun implements DecoderRun {
  readonly #process: DecoderProcess;
  readonly #mode: DecodeMode;
  readonly #fps: number;

  constructor(ffmpegPath: string, run: DecoderRunOptions) {
    const { listener, pool } = run;
    this.#fps = run.fps;
    this.#mode = modeFor(run.work, run.fps);
    const spec = { url: run.url, fps: run.fps, width: run.width, height: run.height, rtspTransport: run.rtspTransport, loop: run.loop, mode: this.#mode, ...(run.address !== undefined && { address: run.address }) };
    const slicer = new FrameSlicer(pool, (buffer) => listener.frame(buffer, Date.now(), 0));
    this.#process = new DecoderProcess(ffmpegPath, buildFfmpegArgs(spec), run.redact, {
      data: (chunk) => {
        listener.alive();
        slicer.push(chunk);
      },
      exit: (exit) => {
        slicer.reset();
        listener.exit(exit);
      },
    });
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
