import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from 'pino';
import type { DecoderBackend } from './decoder-backend';
import { resolveFfmpegPath } from './decoder-process';
import { ffmpegBackend } from './ffmpeg-backend';
import { LEGACY_FFMPEG, atLeast, probeFfmpeg, type FfmpegCapabilities } from './ffmpeg-probe';
import { nativeBackend, type NativeBackendOptions } from './native-backend';

export interface DecoderChoiceInput {
  /** `ingest.decoder`. */
  readonly decoder: 'auto' | 'native' | 'ffmpeg';
  /** FFMPEG_PATH. */
  readonly ffmpegPath: string | undefined;
  readonly native: NativeBackendOptions;
  /** `ingest.decoderNice`: how many nice steps below the gateway every decoder runs. */
  readonly nice: number;
  readonly logger: Logger;
  /** Where to look for a system ffmpeg (PATH); a parameter for tests. */
  readonly searchPath?: string;
}

/** What the ffmpeg backend runs: the binary, what it can do, and whether Vigil resolves host names for it. */
export interface ChosenFfmpeg {
  readonly path: string;
  readonly capabilities: FfmpegCapabilities;
  readonly bundled: boolean;
}

/** The first executable `ffmpeg` on `searchPath`, or null. */
export function findFfmpegOnPath(searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'ffmpeg');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

function probeOrLegacy(path: string, logger: Logger): FfmpegCapabilities {
  try {
    return probeFfmpeg(path);
  } catch (error) {
    logger.error({ path, err: (error as Error).message }, 'could not probe ffmpeg; building its arguments for FFmpeg 4.1');
    return LEGACY_FFMPEG;
  }
}

/**
 * Which ffmpeg the ffmpeg backend runs: FFMPEG_PATH when set (whatever its version: its arguments
 * follow the probe); else a system ffmpeg of version 5 or later on PATH (current demuxers and
 * their security fixes, and it resolves host names itself); else the bundled static 4.1 build.
 */
export function chooseFfmpeg(ffmpegPath: string | undefined, searchPath: string, logger: Logger): ChosenFfmpeg {
  if (ffmpegPath !== undefined) return { path: ffmpegPath, capabilities: probeOrLegacy(ffmpegPath, logger), bundled: false };
  const system = findFfmpegOnPath(searchPath);
  if (system !== null) {
    const capabilities = probeOrLegacy(system, logger);
    if (atLeast(capabilities, 5)) return { path: system, capabilities, bundled: false };
    logger.info({ path: system, version: capabilities.version }, 'the system ffmpeg is older than 5; using the bundled one');
  }
  const bundled = resolveFfmpegPath();
  return { path: bundled, capabilities: probeOrLegacy(bundled, logger), bundled: true };
}

/** The native decoder by default; ffmpeg when asked for, or when FFMPEG_PATH names one (`auto`). */
export function chooseDecoderBackend(input: DecoderChoiceInput): { backend: DecoderBackend; ffmpeg: ChosenFfmpeg | null } {
  const { decoder, ffmpegPath, logger } = input;
  if (decoder === 'native' || (decoder === 'auto' && ffmpegPath === undefined)) return { backend: nativeBackend({ ...input.native, nice: input.nice }), ffmpeg: null };
  const chosen = chooseFfmpeg(ffmpegPath, input.searchPath ?? process.env.PATH ?? '', logger);
  const { capabilities: caps } = chosen;
  logger.info({ path: chosen.path, version: caps.version, release: `${caps.major}.${caps.minor}`, hwaccels: caps.hwaccels }, 'decoding with the ffmpeg command');
  if (chosen.bundled) {
    logger.warn({ version: caps.version }, 'the bundled ffmpeg is a 2018 static build (4.1) without years of demuxer and decoder security fixes; install ffmpeg 5 or later, set FFMPEG_PATH, or use the native decoder');
  }
  // The bundled static ffmpeg crashes resolving host names; any other resolves them itself.
  return { backend: ffmpegBackend({ path: chosen.path, capabilities: caps, resolvesHostNames: chosen.bundled, nice: input.nice }), ffmpeg: chosen };
}
