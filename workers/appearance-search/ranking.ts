import type { AppearanceHit, AppearanceQuery } from './protocol';
import type { AppearanceRow } from './appearance-reader';

/** Most candidates the index is asked for in one search (a filter that keeps few of them stops there). */
export const MAX_CANDIDATES = 16_384;

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/**
 * The answer from candidate rows (pure): exact cosine on the stored vectors, the query's filters,
 * at least `minSimilarity`, one hit per track (its best appearance: a track reported unknown then
 * recognized is one appearance), best first, at most `limit`.
 */
export function rankAppearances(query: AppearanceQuery, rows: readonly AppearanceRow[]): AppearanceHit[] {
  const best = new Map<string, AppearanceHit>();
  for (const row of rows) {
    if (row.id === query.exclude) continue;
    if (query.cameras && !query.cameras.includes(row.camera)) continue;
    if (query.from !== null && row.time < query.from) continue;
    if (query.to !== null && row.time >= query.to) continue;
    const similarity = dot(query.vector, row.vector);
    if (similarity < query.minSimilarity) continue;
    const key = row.trackId ?? `row:${row.id}`;
    const held = best.get(key);
    if (!held || similarity > held.similarity) best.set(key, { row: row.id, similarity: Math.round(similarity * 10_000) / 10_000 });
  }
  return [...best.values()].sort((a, b) => b.similarity - a.similarity || b.row - a.row).slice(0, query.limit);
}

/**
 * How many candidates to ask for next (pure): four per wanted hit (at least 64) first; four times
 * more while fewer than `limit` hits passed and the weakest candidate still reached
 * `minSimilarity` (more may follow); `previous` when there is no point asking again.
 */
export function nextCandidates(previous: number, limit: number, size: number, hits: number, weakest: number | null, minSimilarity: number): number {
  const cap = Math.min(size, MAX_CANDIDATES);
  if (previous === 0) return Math.min(Math.max(64, limit * 4), cap);
  if (hits >= limit || weakest === null || weakest < minSimilarity) return previous;
  return Math.min(previous * 4, cap);
}
