import type { CameraUrl } from './camera-url';

export interface DecodeSpec {
  readonly url: CameraUrl;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly rtspTransport: 'tcp' | 'udp';
  readonly loop: boolean;
}

/** Socket timeout for network sources: a dead peer must never hang a read forever. */
const SOCKET_TIMEOUT_US = 10_000_000;

/**
 * Builds ffmpeg's argument list for one camera: decode video only, at the analysis rate and size,
 * to raw RGB24 on stdout. Pure, so it is tested with tables. The only place that sees the real URL.
 */
export function buildFfmpegArgs(spec: DecodeSpec): string[] {
  const input: string[] = [];
  switch (spec.url.kind) {
    case 'rtsp':
      input.push('-rtsp_transport', spec.rtspTransport, '-stimeout', String(SOCKET_TIMEOUT_US));
      input.push('-protocol_whitelist', 'rtsp,rtp,udp,tcp');
      break;
    case 'rtmp':
      input.push('-rw_timeout', String(SOCKET_TIMEOUT_US), '-protocol_whitelist', 'rtmp,tcp');
      break;
    case 'file':
      // A file plays as a live camera: paced at its own rate (-re), looped when asked.
      input.push('-re');
      if (spec.loop) input.push('-stream_loop', '-1');
      input.push('-protocol_whitelist', 'file');
      break;
  }
  const { width: w, height: h } = spec;
  // Keep the aspect ratio and pad, so boxes are true to the scene; the frame size is always exact.
  const filter = `fps=${spec.fps},scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...input,
    '-i',
    spec.url.forSource(),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    filter,
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

/** The same argument list with the URL redacted, for logs. */
export function describeFfmpegArgs(spec: DecodeSpec): string[] {
  const secret = spec.url.forSource();
  return buildFfmpegArgs(spec).map((arg) => (arg === secret ? spec.url.redacted : arg));
}
