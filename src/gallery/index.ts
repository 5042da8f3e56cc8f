export { Gallery, type IdentitySummary, type IdentityRecord, type FaceInput, type FaceRecord, type GallerySearchConfig } from './store';
export type { GallerySearchState, GallerySearchStats } from './search-client';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
export { GalleryRefresher } from './gallery-refresher';
export { IdentityService, type IdentityServiceDeps, type IdentityView, type FaceSource, type FaceModels, type FaceView, type LastSeen } from './identity-service';
export { GalleryMedia, type StaleEmbedding, type NegativeRecord, type EmbeddingKind } from './face-media';
export { enrolmentProblem, ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS } from './enrolment';
export { prepareModelChange, reconcileEmbeddingModel, splitStale, modelChangeRefusal, type CropEmbedder } from './model-change';
export { checkIdentityText } from './identity-text';
