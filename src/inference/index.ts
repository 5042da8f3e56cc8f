export { DetectorPool, type DetectorPoolOptions, type PoolState } from './detector-pool';
export { readManifest, verifyModel, sha256File, type ModelManifest, type ModelEntry } from './model-manifest';
export type { DetectedFace, Box, DetectResult, EmbedResult, FaceQuality, Point } from '../../workers/protocol';
