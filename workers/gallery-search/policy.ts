import type { ChangeWindow } from './gallery-reader';
import type { SearchMode } from './protocol';

/** Most faces the ANN index is asked for when negatives keep leaving fewer than k identities. */
export const ANN_MAX_CANDIDATES = 8192;

/**
 * Whether the exact scan should serve (pure). `auto` keeps it up to `exactMaxFaces` and, once
 * dropped, takes it back only at half that, so a gallery hovering at the limit does not flip.
 */
export function keepsExact(mode: SearchMode, faces: number, exactMaxFaces: number, hasExact: boolean): boolean {
  if (mode !== 'auto') return mode === 'exact';
  return hasExact ? faces <= exactMaxFaces : faces <= exactMaxFaces / 2;
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
