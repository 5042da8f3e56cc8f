import type { DecodeMode } from './decode-mode';
import type { CameraUrl, SourceKind } from './camera-url';
import { LEGACY_FFMPEG, atLeast, type FfmpegCapabilities } from './ffmpeg-probe';
import type { HwAccelMethod } from './hwaccel';

export interface DecodeSpec {
  readonly url: CameraUrl;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly rtspTransport: 'tcp' | 'udp';
  readonly loop: boolean;
  /** Decode work: see DecodeMode. Defaults to full. */
  readonly mode?: DecodeMode;
  /** The camera host's IP address, resolved by Vigil (the static ffmpeg cannot resolve names). */
  readonly address?: string;
  /** The ffmpeg that will run these arguments (probed at start-up); absent: the bundled 4.1. */
  readonly ffmpeg?: FfmpegCapabilities;
  /** Hardware decoding (`-hwaccel`), already checked to work; absent or `none`: software. */
  readonly hwaccel?: HwAccelMethod | 'none';
}

/** Socket timeout for network sources: a dead peer must never hang a read forever. */
const SOCKET_TIMEOUT_US = 10_000_000;

/**
 * Protocols ffmpeg may open for each kind of source. Explicit, so a camera URL (or a playlist or
 * redirect it leads to) can never read local files or reach concat:, subfile:, pipe: and the like.
 */
export const PROTOCOL_WHITELIST: Readonly<Record<SourceKind, string>> = {
  rtsp: 'rtsp,rtp,udp,tcp',
  rtsps: 'rtsps,rtsp,rtp,udp,tcp,tls',
  rtmp: 'rtmp,tcp',
  rtmps: 'rtmps,rtmp,tcp,tls',
  // HLS fetches its playlist and segments through these too; AES-128 segments need crypto.
  http: 'http,https,tcp,tls,crypto',
  https: 'http,https,tcp,tls,crypto',
  file: 'file',
};

function inputOptions(spec: DecodeSpec, ffmpeg: FfmpegCapabilities): string[] {
  const kind = spec.url.kind;
  switch (kind) {
    case 'rtsp':
    case 'rtsps':
      // The RTSP socket timeout: -stimeout up to 4.x; FFmpeg 5 removed it ("Unrecognized option")
      // and made -timeout the socket timeout (before 5, -timeout meant "listen" for RTSP).
      return ['-rtsp_transport', spec.rtspTransport, atLeast(ffmpeg, 5) ? '-timeout' : '-stimeout', String(SOCKET_TIMEOUT_US)];
    case 'rtmp':
    case 'rtmps':
      return ['-rw_timeout', String(SOCKET_TIMEOUT_US)];
    case 'http':
    case 'https':
      // Connecting to an address Vigil resolved: still name the real host, for virtual hosting.
      return spec.address === undefined
        ? ['-rw_timeout', String(SOCKET_TIMEOUT_US)]
        : ['-rw_timeout', String(SOCKET_TIMEOUT_US), '-headers', `Host: ${spec.url.hostHeader}\r\n`];
    case 'file':
      // A file plays as a live camera: paced at its own rate (-re), looped when asked.
      return spec.loop ? ['-re', '-stream_loop', '-1'] : ['-re'];
  }
}

/**
 * Builds ffmpeg's argument list for one camera: decode video only, at the analysis rate and size,
 * to raw RGB24 on stdout. Pure, so it is tested with tables. The only place that sees the real URL.
 */
export function buildFfmpegArgs(spec: DecodeSpec): string[] {
  const mode = spec.mode ?? 'full';
  const ffmpeg = spec.ffmpeg ?? LEGACY_FFMPEG;
  const { width: w, height: h } = spec;
  // Keep the aspect ratio and pad, so boxes are true to the scene; the frame size is always exact.
  const size = `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  const input = [...inputOptions(spec, ffmpeg), '-protocol_whitelist', PROTOCOL_WHITELIST[spec.url.kind]];
  // Decoded on the device; frames come back to memory for the filters (no -hwaccel_output_format).
  if (spec.hwaccel !== undefined && spec.hwaccel !== 'none') input.unshift('-hwaccel', spec.hwaccel);
  let rate: string[];
  if (mode === 'keyframes') {
    // The decoder skips everything but key frames; no fps filter (it would duplicate each key
    // frame up to the rate), only a cap: -r with vfr drops frames above the rate, never adds any.
    input.unshift('-skip_frame', 'nokey');
    // -vsync is deprecated since 5.1 in favour of -fps_mode (same values).
    rate = ['-vf', size, '-r', String(spec.fps), atLeast(ffmpeg, 5, 1) ? '-fps_mode' : '-vsync', 'vfr'];
  } else {
    const fps = mode === 'half-fps' ? spec.fps / 2 : spec.fps;
    rate = ['-vf', `fps=${fps},${size}`];
  }
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    '-i',
    spec.url.forSource(spec.address),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    ...rate,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** The same argument list with the URL redacted, for logs. */
export function describeFfmpegArgs(spec: DecodeSpec): string[] {
  const secret = spec.url.forSource(spec.address);
  return buildFfmpegArgs(spec).map((arg) => (arg === secret ? spec.url.redacted : arg));
}
