export { CameraUrl, type SourceKind } from './camera-url';
export { CameraIngestor, type CameraState, type IngestorOptions } from './camera-ingestor';
export { buildFfmpegArgs, describeFfmpegArgs, type DecodeSpec } from './ffmpeg-args';
export { resolveFfmpegPath, killAllFfmpeg } from './ffmpeg-process';
export { classifyFfmpegExit } from './ffmpeg-errors';
export { FrameBufferPool, type Frame } from './frame';
export { FrameRing, type DropReason } from './frame-ring';
export { FrameSlicer } from './frame-slicer';
export { backoffDelay, type BackoffPolicy } from './backoff';
