export { CameraRegistry, type CameraRegistryOptions } from './camera-registry';
export { CameraRuntime, type CameraServices } from './camera-runtime';
export { CameraStore, type ApiCameraStore, type StoredCamera } from './camera-store';
export { desiredCameras, planCameras, type CameraOrigin, type CameraPlan, type DesiredCamera } from './camera-plan';
export { recordFromCreate, recordFromPatch, validateCamera, mergeCredentials, keepStoredPassword, type CameraRecord } from './camera-input';
export { statusDraft, detectionDraft, outcomeDraft, type EventPublisher } from './camera-events';
export { ingestPolicyFor } from './ingest-policy';
export type { CameraStatus } from './camera-status';
export type { CameraView } from './camera-view';
