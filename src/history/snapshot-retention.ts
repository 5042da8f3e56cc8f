import type { HistoryConfig } from '../config';

/** Snapshot files kept without history and without `snapshots.maxFiles` (the earlier default). */
export const DEFAULT_SNAPSHOT_FILES = 10_000;

/**
 * How the snapshot folder is bounded (pure): with the history on, snapshots live as long as the
 * stored events that reference them (the history deletes them with those events, by age and size),
 * and files no stored event references go after `history.maxAgeDays`; `snapshots.maxFiles`, when
 * set, still caps the count. Without history, the count cap alone (10,000 unless set), as before.
 */
export function snapshotRetention(maxFiles: number | undefined, history: Pick<HistoryConfig, 'enabled' | 'maxAgeDays'>): { maxFiles: number | null; maxAgeMs: number | null } {
  if (!history.enabled) return { maxFiles: maxFiles ?? DEFAULT_SNAPSHOT_FILES, maxAgeMs: null };
  return { maxFiles: maxFiles ?? null, maxAgeMs: history.maxAgeDays * 86_400_000 };
}
