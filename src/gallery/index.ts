export { Gallery, type IdentitySummary, type FaceInput, type FaceRecord } from './store';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
export { GalleryRefresher } from './gallery-refresher';
export { IdentityService, type IdentityServiceDeps, type IdentityView, type FaceSource, type FaceModels } from './identity-service';
export { enrolmentProblem, ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS } from './enrolment';
export { checkIdentityText } from './identity-text';
