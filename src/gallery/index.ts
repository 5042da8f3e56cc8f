export { Gallery, type IdentitySummary } from './store';
export { topK, cosine, isMatch, type Identity, type Candidate, type IndexedIdentity } from './search';
