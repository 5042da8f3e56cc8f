/**
 * FFmpeg's libraries through node-av (an ECMAScript module, loaded with import() from this
 * CommonJS project). Only the decoder process loads them; the gateway never does.
 */
export type LibAv = typeof import('node-av', { with: { 'resolution-mode': 'import' } });
export type LibAvConstants = typeof import('node-av/constants', { with: { 'resolution-mode': 'import' } });

export interface FFmpegLibraries {
  readonly av: LibAv;
  readonly c: LibAvConstants;
}

export type AvFrame = InstanceType<LibAv['Frame']>;
export type AvPacket = InstanceType<LibAv['Packet']>;
export type AvCodecContext = InstanceType<LibAv['CodecContext']>;
export type AvScaler = InstanceType<LibAv['SoftwareScaleContext']>;

export async function loadFFmpegLibraries(): Promise<FFmpegLibraries> {
  const [av, c] = await Promise.all([import('node-av'), import('node-av/constants')]);
  return { av, c };
}

/** FFmpeg's version as the native decoder links it ("8.1"): a constant of node-av's, read without loading the libraries. */
export async function nativeFfmpegVersion(): Promise<string> {
  const { ffmpegVersion } = await import('node-av/ffmpeg');
  return ffmpegVersion();
}
