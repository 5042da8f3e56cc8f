import type { ChangeWindow } from './gallery-reader';
import type { SearchMode } from './protocol';

/** Most faces the ANN index is asked for when negatives keep leaving fewer than k identities. */
export const ANN_MAX_CANDIDATES = 8192;

/**
 * Whether the worker keeps the exact scan (pure): only when told to (`exact`). In `auto`, small
 * galleries are searched exactly on the gateway's own thread (src/gallery/inline-search.ts) and the
 * worker keeps the ANN index for when the gallery outgrows that.
 */
export function keepsExact(mode: SearchMode): boolean {
  return mode === 'exact';
}

/**
 * How many candidate faces to ask for next (pure): `candidates` (at least k) first, then four times
 * more while negatives leave fewer than k identities; returns `previous` when there is no more to
 * ask (the exact scan may go up to every face, the ANN index up to ANN_MAX_CANDIDATES).
 */
export function nextCandidateCount(previous: number, k: number, candidates: number, size: number, exhaustive: boolean): number {
  const cap = exhaustive ? size : Math.min(size, ANN_MAX_CANDIDATES);
  if (previous === 0) return Math.min(Math.max(candidates, k), cap);
  return Math.min(previous * 4, cap);
}

/**
 * Whether an index that applied changes up to `applied` cannot catch up from the log (pure): the
 * log lost changes it has not seen (pruned), or the database is older than the index (restored).
 */
export function needsRebuild(window: ChangeWindow, applied: number): boolean {
  if (window.counter < applied) return true;
  if (window.oldest === null) return window.counter > applied;
  return window.oldest > applied + 1;
}
