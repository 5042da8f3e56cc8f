import type { HistoryConfig } from '../config';

/** Snapshot files kept without history and without `snapshots.maxFiles` (the earlier default). */
export const DEFAULT_SNAPSHOT_FILES = 10_000;
/** Snapshot bytes kept without history and without `snapshots.maxBytes` (1 GiB). */
export const DEFAULT_SNAPSHOT_BYTES = 1024 ** 3;

/**
 * How the snapshot folder is bounded (pure): with the history on, snapshots live as long as the
 * stored events that reference them (the history deletes them with those events, by age and size),
 * and files no stored event references go after `history.maxAgeDays`; `snapshots.maxFiles` and
 * `snapshots.maxBytes`, when set, still cap the count and the bytes. Without history, both caps
 * (10,000 files and 1 GiB unless set).
 */
export function snapshotRetention(
  snapshots: { readonly maxFiles?: number | undefined; readonly maxBytes?: number | undefined },
  history: Pick<HistoryConfig, 'enabled' | 'maxAgeDays'>,
): { maxFiles: number | null; maxBytes: number | null; maxAgeMs: number | null } {
  if (!history.enabled) return { maxFiles: snapshots.maxFiles ?? DEFAULT_SNAPSHOT_FILES, maxBytes: snapshots.maxBytes ?? DEFAULT_SNAPSHOT_BYTES, maxAgeMs: null };
  return { maxFiles: snapshots.maxFiles ?? null, maxBytes: snapshots.maxBytes ?? null, maxAgeMs: history.maxAgeDays * 86_400_000 };
}
