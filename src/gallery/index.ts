export { Gallery, type IdentitySummary, type GallerySearchConfig } from './store';
export type { GallerySearchState, GallerySearchStats } from './search-client';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
export { enrolmentProblem, ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS } from './enrolment';
