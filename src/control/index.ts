export { ControlStore, type StoredCamera } from './store';
export { recordFromCreate, recordFromPatch, validateCamera, mergeCredentials, keepStoredPassword, type CameraRecord } from './camera-input';
export { desiredCameras, planCameras, type CameraOrigin, type CameraPlan, type DesiredCamera } from './registry';
export { IdentityService, type IdentityServiceDeps } from './identities';
export { TokenService } from './tokens';
export { ConfigWatcher } from './config-watcher';
export { readiness, type ReadinessInput } from './readiness';
