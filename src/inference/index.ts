export { DetectorPool, type DetectorPoolOptions, type PoolDescription, type PoolState } from './detector-pool';
export { readManifest, verifyModel, sha256File, type ModelManifest, type ModelEntry } from './model-manifest';
export { resolveProvider, resolveBatch, resolveWorkers, BATCH_DEFAULTS, type ProviderChoice, type BatchSettings } from './providers';
export type { BatchFigures } from './pool-lanes';
export type { DetectedFace, Box, DetectResult, EmbedResult, LivenessResult, FaceQuality, Point } from '../../workers/protocol';
// Box overlap is one formula for NMS in the workers and for tracking; both use this one.
export { iou } from '../../workers/face-detection/nms';
export { alignedCrop, TEMPLATE_LANDMARKS, ALIGNED_SIZE, ALIGNED_CROP_BYTES } from './aligned-crop';
