export { Gallery, type IdentitySummary, type IdentityRecord, type FaceInput, type FaceRecord, type GallerySearchConfig } from './store';
export type { GallerySearchState, GallerySearchStats } from './search-client';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
export { GalleryRefresher } from './gallery-refresher';
export { IdentityService, type IdentityServiceDeps, type IdentityView, type FaceSource, type FaceModels } from './identity-service';
export { enrolmentProblem, ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS } from './enrolment';
export { checkIdentityText } from './identity-text';
