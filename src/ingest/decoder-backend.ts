import type { CameraUrl } from './camera-url';
import type { DecoderExit } from './decoder-process';
import type { DecodeWork, DecoderEvent } from './decoder-protocol';
import type { FrameBufferPool } from './frame';
import type { HwAccelSetting } from './hwaccel';

/** What a decoder run reports to the camera's ingestor. Called synchronously; must not throw. */
export interface DecoderRunListener {
  /** A whole frame of width x height x 3 bytes in a buffer from the pool, read off the decoder at `capturedAt`. */
  frame(buffer: ArrayBuffer, capturedAt: number, flags: number): void;
  /** Packets arrived (the watchdog's sign of life, even while no frame is decoded). */
  alive(): void;
  event(event: DecoderEvent): void;
  exit(exit: DecoderExit): void;
}

export interface DecoderRunOptions {
  readonly url: CameraUrl;
  /** The camera host's address, resolved by Vigil (only the bundled static ffmpeg needs it). */
  readonly address?: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly rtspTransport: 'tcp' | 'udp';
  readonly loop: boolean;
  /** Hardware decoding asked for (the camera's, else `ingest.hwaccel`); software when it cannot be had. */
  readonly hwaccel: HwAccelSetting;
  readonly work: DecodeWork;
  readonly pool: FrameBufferPool;
  /** Applied to every stderr line kept: the URL's secrets never leave the run. */
  readonly redact: (line: string) => string;
  readonly listener: DecoderRunListener;
}

/** One connection to a camera and its decoding, until it ends or is stopped. */
export interface DecoderRun {
  /** The decoder process, for its CPU figures. */
  readonly pid: number | undefined;
  /** Changes what is decoded without reconnecting; false when this backend must restart for it. */
  setWork(work: DecodeWork): boolean;
  /** Asks the run to end, then kills it after `graceMs`. */
  stop(graceMs: number): Promise<void>;
  kill(): void;
}

/** How a camera's stream is turned into frames: the native decoder process (default) or ffmpeg. */
export interface DecoderBackend {
  readonly name: 'native' | 'ffmpeg';
  /** Whether `hostToResolve` must be resolved by Vigil and passed as `address`. */
  readonly resolvesHostNames: boolean;
  /** FFmpeg's version as this backend decodes with it (for vigil_build_info). */
  ffmpegVersion(): Promise<string>;
  start(options: DecoderRunOptions): DecoderRun;
}
