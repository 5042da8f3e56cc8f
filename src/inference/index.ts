export { DetectorPool, type DetectorPoolOptions, type PoolState } from './detector-pool';
export { readManifest, verifyModel, sha256File, type ModelManifest, type ModelEntry } from './model-manifest';
export type { DetectedFace, Box, DetectResult, EmbedResult, FaceQuality, Point } from '../../workers/protocol';
// Box overlap is one formula for NMS in the workers and for tracking; both use this one.
export { iou } from '../../workers/face-detection/nms';
