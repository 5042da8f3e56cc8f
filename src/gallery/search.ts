/** Pure in-memory search over the gallery's embeddings (all L2-normalised, so cosine = dot product). */

export interface Identity {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

export interface IndexedIdentity {
  readonly identity: Identity;
  readonly faces: readonly Float32Array[];
  /** "Not this person" examples: faces closer to these than to `faces` are never named this identity. */
  readonly negatives: readonly Float32Array[];
}

export interface Candidate {
  readonly identity: Identity;
  /** Best cosine similarity to the identity's enrolled faces. */
  readonly similarity: number;
  /** Best cosine similarity to the identity's negatives (-1 when it has none). */
  readonly negativeSimilarity: number;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) dot += (a[i] as number) * (b[i] as number);
  return dot;
}

function best(query: Float32Array, set: readonly Float32Array[]): number {
  let max = -1;
  for (const v of set) max = Math.max(max, cosine(query, v));
  return max;
}

/**
 * An identity's score for `query`: its best face, and its best negative (-1 without any); null when
 * it has no face or the query is at least as close to a negative ("not this person").
 */
export function scoreIdentity(query: Float32Array, faces: readonly Float32Array[], negatives: readonly Float32Array[]): { similarity: number; negativeSimilarity: number } | null {
  if (faces.length === 0) return null;
  return judgeIdentity(query, best(query, faces), negatives);
}

/** As scoreIdentity, for an identity whose best face's similarity is already known (a search index scored it). */
export function judgeIdentity(query: Float32Array, similarity: number, negatives: readonly Float32Array[]): { similarity: number; negativeSimilarity: number } | null {
  const negativeSimilarity = negatives.length > 0 ? best(query, negatives) : -1;
  return negativeSimilarity >= similarity ? null : { similarity, negativeSimilarity };
}

/**
 * The k identities most similar to `query`, best first. An identity the query is closer to by its
 * negatives than by its enrolled faces is left out: an operator said such faces are not that person.
 * This is the exact answer the gallery's search index must reproduce.
 */
export function topK(index: readonly IndexedIdentity[], query: Float32Array, k: number): Candidate[] {
  const candidates: Candidate[] = [];
  for (const entry of index) {
    const score = scoreIdentity(query, entry.faces, entry.negatives);
    if (score) candidates.push({ identity: entry.identity, ...score });
  }
  candidates.sort((a, b) => b.similarity - a.similarity);
  return candidates.slice(0, k);
}

/** Whether two faces match at a threshold (for compare). */
export function isMatch(similarity: number, threshold: number): boolean {
  return similarity >= threshold;
}
