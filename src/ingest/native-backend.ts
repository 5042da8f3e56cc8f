import { join } from 'node:path';
import type { DecoderBackend, DecoderRun, DecoderRunOptions } from './decoder-backend';
import { DecoderProcess } from './decoder-process';
import { DecoderOutputParser, type DecodeWork, type DecoderSetup, type MotionSettings } from './decoder-protocol';
import { PROTOCOL_WHITELIST } from './ffmpeg-args';
import { nativeFfmpegVersion } from './native/libav';

/** Socket timeout for network sources: a dead peer must never hang a read forever. */
const SOCKET_TIMEOUT_US = 10_000_000;
const CHILD = join(__dirname, 'native', 'decoder-child.js');

export interface NativeBackendOptions {
  readonly motion: MotionSettings;
  readonly maxCatchUpPackets: number;
  readonly maxCatchUpBytes: number;
  readonly skipLoopFilter: boolean;
  readonly skipNonReference: boolean;
  /** Nice steps below the gateway (`ingest.decoderNice`; 0 or absent: the same priority). */
  readonly nice?: number;
}

/**
 * The default backend: one decoder process per camera (`node decoder-child.js`, FFmpeg's libraries
 * through node-av), demuxing and decoding in one place so the gateway can switch between every
 * frame and key frames only without reconnecting, and wake on motion from the last key frame.
 * The camera URL goes to the process on stdin, never on its command line.
 */
export function nativeBackend(options: NativeBackendOptions): DecoderBackend {
  return {
    name: 'native',
    resolvesHostNames: false,
    supportsLive: true,
    ffmpegVersion: nativeFfmpegVersion,
    start: (run) => new NativeDecoderRun(run, options),
  };
}

class NativeDecoderRun implements DecoderRun {
  readonly #process: DecoderProcess;
  readonly #parser: DecoderOutputParser;

  constructor(run: DecoderRunOptions, options: NativeBackendOptions) {
    const { listener, pool } = run;
    this.#parser = new DecoderOutputParser(pool.frameBytes, {
      acquire: () => pool.acquire(),
      frame: (buffer, capturedAt, flags) => listener.frame(buffer, capturedAt, flags),
      event: (event) => {
        if (event.kind === 'progress') listener.alive();
        listener.event(event);
      },
      media: (segment) => listener.media(segment),
      corrupt: (reason) => {
        this.#process.note(`decoder output not understood: ${reason}`);
        this.#process.kill();
      },
    });
    const setup: DecoderSetup = {
      url: run.url.forSource(),
      kind: run.url.kind,
      width: run.width,
      height: run.height,
      rtspTransport: run.rtspTransport,
      loop: run.loop,
      hwaccel: run.hwaccel,
      protocolWhitelist: PROTOCOL_WHITELIST[run.url.kind],
      socketTimeoutUs: SOCKET_TIMEOUT_US,
      work: run.work,
      motion: options.motion,
      maxCatchUpPackets: options.maxCatchUpPackets,
      maxCatchUpBytes: options.maxCatchUpBytes,
      skipLoopFilter: options.skipLoopFilter,
      skipNonReference: options.skipNonReference,
    };
    this.#process = new DecoderProcess(
      process.execPath,
      [CHILD],
      run.redact,
      {
        data: (chunk) => this.#parser.push(chunk),
        exit: (exit) => {
          this.#parser.reset((buffer) => pool.release(buffer));
          listener.exit(exit);
        },
      },
      { input: JSON.stringify(setup), ...(options.nice !== undefined && { nice: options.nice }) },
    );
  }

  setWork(work: DecodeWork): boolean {
    this.#process.send(JSON.stringify({ cmd: 'work', work }));
    return true;
  }

  setLive(on: boolean): void {
    this.#process.send(JSON.stringify({ cmd: 'live', on }));
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
