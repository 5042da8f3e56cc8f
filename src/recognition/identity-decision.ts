/**
 * Open-set identity for a track from several views. Pure: the caller supplies each view's
 * embedding search results and the aggregate's.
 */

export interface ViewMatch {
  /** The best identity for this view at or above the threshold, or null. */
  readonly identityId: string | null;
  readonly quality: number;
}

export interface DecisionSettings {
  readonly matchThreshold: number;
  /** Views (embeddings) needed before any answer. */
  readonly minViews: number;
  /** Best identity must beat the second by this much similarity. */
  readonly minMargin: number;
}

export type Decision =
  | { readonly kind: 'pending' }
  | { readonly kind: 'unknown'; readonly similarity: number }
  | { readonly kind: 'recognized'; readonly identityId: string; readonly similarity: number };

/**
 * Decides from the quality-weighted aggregate embedding's two best candidates and a
 * quality-weighted vote of the single views: a name is given only when the aggregate clears the
 * threshold with a margin over the runner-up AND the views that voted for it carry more than half
 * the quality weight. One lucky frame cannot name a stranger; a stranger who resembles someone
 * stays below the threshold in most views and comes out unknown.
 */
export function decideIdentity(
  views: readonly ViewMatch[],
  aggregate: { best: { identityId: string; similarity: number } | null; secondSimilarity: number },
  s: DecisionSettings,
): Decision {
  if (views.length < s.minViews) return { kind: 'pending' };
  const best = aggregate.best;
  if (!best || best.similarity < s.matchThreshold || best.similarity - aggregate.secondSimilarity < s.minMargin) {
    return { kind: 'unknown', similarity: best?.similarity ?? 0 };
  }
  const total = views.reduce((sum, v) => sum + Math.max(v.quality, 1e-3), 0);
  const forBest = views.filter((v) => v.identityId === best.identityId).reduce((sum, v) => sum + Math.max(v.quality, 1e-3), 0);
  if (forBest / total <= 0.5) return { kind: 'unknown', similarity: best.similarity };
  return { kind: 'recognized', identityId: best.identityId, similarity: best.similarity };
}

/**
 * Whether a new decision is news: the first answer always is; after that only a change of
 * identity. A recognised track never falls back to unknown (a turned head must not retract a
 * name), but unknown → recognised and X → Y are reported.
 */
export function shouldReport(previous: Decision | null, next: Decision): boolean {
  if (next.kind === 'pending') return false;
  if (previous === null || previous.kind === 'pending') return true;
  if (previous.kind === 'recognized') return next.kind === 'recognized' && next.identityId !== previous.identityId;
  return next.kind === 'recognized';
}

/** Quality-weighted mean of L2-normalised embeddings, normalised again. */
export function aggregateEmbedding(views: readonly { embedding: Float32Array; quality: number }[]): Float32Array {
  const first = views[0];
  if (!first) return new Float32Array(0);
  const out = new Float32Array(first.embedding.length);
  for (const v of views) {
    const w = Math.max(v.quality, 1e-3);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + w * (v.embedding[i] as number);
  }
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += (out[i] as number) ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / norm;
  return out;
}

/**
 * Whether a track should spend an embedding (about 60 ms) on this view: only a usable face,
 * only when it is clearly better than the best view embedded so far or enough time passed to
 * collect the first few views, and never beyond the per-track budget.
 */
export function wantsEmbedding(
  track: { embeddedViews: number; bestEmbeddedQuality: number; lastEmbeddedAt: number; decided: boolean },
  view: { quality: number; faceSize: number; at: number },
  s: { minFaceSize: number; maxEmbeddingsPerTrack: number; minIntervalMs: number; minViews: number },
): boolean {
  if (view.faceSize < s.minFaceSize || track.embeddedViews >= s.maxEmbeddingsPerTrack) return false;
  if (view.at - track.lastEmbeddedAt < s.minIntervalMs) return false;
  if (track.embeddedViews < s.minViews) return true;
  // Once answered, only a markedly better view is worth it; before, any better view is.
  return view.quality > track.bestEmbeddedQuality + (track.decided ? 0.1 : 0.02);
}
