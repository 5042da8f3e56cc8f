export { Gallery, type IdentitySummary, type FaceInput, type FaceRecord } from './store';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
export { enrolmentProblem, ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS } from './enrolment';
