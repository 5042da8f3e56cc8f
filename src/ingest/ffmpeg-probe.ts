import { runSync } from './decoder-process';

/**
 * What an ffmpeg binary can do, learnt once at start-up (`-version`, `-protocols`, `-hwaccels`),
 * so its command line is built for it: FFmpeg 5 removed `-stimeout` (every RTSP camera would
 * fail with "Unrecognized option"), 5.1 replaced `-vsync` with `-fps_mode`, and `-hwaccel` is only
 * worth passing for a method the build has.
 */
export interface FfmpegCapabilities {
  /** What `ffmpeg -version` says ("4.1", "5.1.6-0+deb12u1", "N-47683-g0e8eb07980-static", "n7.1"). */
  readonly version: string;
  /** The FFmpeg release line, from the version or, for git builds, from libavformat's major version. */
  readonly major: number;
  readonly minor: number;
  /** Input protocols (`-protocols`). */
  readonly protocols: readonly string[];
  /** Hardware acceleration methods compiled in (`-hwaccels`). */
  readonly hwaccels: readonly string[];
}

/** What Vigil assumed before it probed: the bundled static build (FFmpeg 4.1). */
export const LEGACY_FFMPEG: FfmpegCapabilities = { version: '4.1', major: 4, minor: 1, protocols: [], hwaccels: [] };

/**
 * Release line from `ffmpeg -version`. A release says it ("ffmpeg version 5.1.6-0+deb12u1",
 * "ffmpeg version n7.1"); a git build ("N-47683-g...") does not, so libavformat's major version
 * says it (58 = 4.x, 59 = 5.x, 60 = 6.x, 61 = 7.x, 62 = 8.x; 59.27+ is 5.1). Pure.
 */
export function parseFfmpegVersion(text: string): { version: string; major: number; minor: number } | null {
  const named = /ffmpeg version (\S+)/.exec(text);
  if (!named?.[1]) return null;
  const version = named[1];
  const release = /^n?(\d+)\.(\d+)/.exec(version);
  if (release) return { version, major: Number(release[1]), minor: Number(release[2]) };
  const lavf = /libavformat\s+(\d+)\.\s*(\d+)\./.exec(text);
  if (!lavf) return null;
  const lavfMajor = Number(lavf[1]);
  const lavfMinor = Number(lavf[2]);
  const major = lavfMajor - 54;
  // Within a libavformat major, the first release is x.0 and the later one x.1 (4.0/4.1: 58.12/58.20+; 5.0/5.1: 59.16/59.27).
  const minor = (lavfMajor === 58 && lavfMinor >= 20) || (lavfMajor === 59 && lavfMinor >= 27) ? 1 : 0;
  return major >= 1 ? { version, major, minor } : null;
}

/** The names listed after `header` in `-protocols` (`Input:`) or `-hwaccels` output, up to the next `Word:` line. Pure. */
export function parseFfmpegList(text: string, header: RegExp): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line) continue;
    if (/:$/.test(line)) break;
    out.push(line);
  }
  return out;
}

/** Whether this ffmpeg takes the options of FFmpeg >= major.minor. Pure. */
export function atLeast(caps: FfmpegCapabilities, major: number, minor = 0): boolean {
  return caps.major > major || (caps.major === major && caps.minor >= minor);
}

const PROBE_TIMEOUT_MS = 10_000;

function run(path: string, args: string[]): string {
  const out = runSync(path, ['-hide_banner', ...args], PROBE_TIMEOUT_MS);
  if (out.error) throw out.error;
  return `${out.stdout}\n${out.stderr}`;
}

/**
 * Probes the ffmpeg at `path` (three short runs, synchronous: done once, before any camera
 * starts). Throws when it cannot be run or does not look like ffmpeg.
 */
export function probeFfmpeg(path: string): FfmpegCapabilities {
  const versionText = run(path, ['-version']);
  const version = parseFfmpegVersion(versionText);
  if (!version) throw new Error(`${path} -version did not say which ffmpeg it is: ${versionText.trim().split('\n')[0] ?? ''}`);
  return {
    ...version,
    protocols: parseFfmpegList(run(path, ['-protocols']), /^Input:$/),
    hwaccels: parseFfmpegList(run(path, ['-hwaccels']), /^Hardware acceleration methods:$/),
  };
}

/**
 * Whether ffmpeg can open a `method` device on this machine (a one-frame run on a test source).
 * Null when it can; else the reason, from ffmpeg's own lines (`Cannot load libcuda.so.1`).
 */
export function checkFfmpegDevice(path: string, method: string): string | null {
  const out = runSync(path, ['-hide_banner', '-loglevel', 'error', '-init_hw_device', `${method}=hw`, '-f', 'lavfi', '-i', 'nullsrc=s=16x16', '-frames:v', '1', '-f', 'null', '-'], PROBE_TIMEOUT_MS);
  if (out.error) return out.error.message;
  if (out.status === 0) return null;
  const lines = out.stderr.split(/\r?\n/).map((l) => l.replace(/^\[[^\]]+\]\s*/, '').trim()).filter((l) => l && !/^Error parsing global options/.test(l));
  return lines.slice(0, 3).join('; ') || `ffmpeg exited with ${String(out.status)}`;
}
