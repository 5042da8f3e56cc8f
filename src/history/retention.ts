import { writeTransaction, type Database } from '../storage';
import type { HistoryUsage } from './history-store';

export interface RetentionLimits {
  readonly maxAgeMs: number;
  readonly maxBytes: number;
}

/** Events deleted per transaction: short enough that the event loop never waits long for one. */
export const RETENTION_CHUNK = 1000;

/**
 * What retention must do next (pure): delete events older than the age bound while the oldest is
 * older, then the oldest events while the history (database pages in use plus the snapshot files
 * its events reference) is over its size bound; null when within both.
 */
export function retentionStep(usage: HistoryUsage, oldestTime: number | null, now: number, limits: RetentionLimits): { readonly kind: 'age'; readonly before: number } | { readonly kind: 'size' } | null {
  if (oldestTime === null) return null;
  const before = now - limits.maxAgeMs;
  if (oldestTime < before) return { kind: 'age', before };
  if (usage.databaseBytes + usage.snapshotBytes > limits.maxBytes) return { kind: 'size' };
  return null;
}

/**
 * How many of the oldest events to delete for size (pure): about as many as the excess holds at
 * the average event's share of the bytes, at least one, at most a chunk, so that a small history
 * is not emptied to free a few bytes.
 */
export function sizeChunk(usage: HistoryUsage, maxBytes: number): number {
  const total = usage.databaseBytes + usage.snapshotBytes;
  if (usage.events === 0 || total <= maxBytes) return 1;
  return Math.max(1, Math.min(RETENTION_CHUNK, Math.ceil((total - maxBytes) / (total / usage.events))));
}

/**
 * Deletes up to `limit` of the oldest events (those before `before`, when given) in one
 * transaction, with their appearances and snapshot references (triggers); returns how many and the
 * snapshot files no stored event references any more, for the caller to delete.
 */
export function deleteOldest(db: Database.Database, before: number | null, limit = RETENTION_CHUNK): { deleted: number; freedSnapshots: string[] } {
  return writeTransaction(db, () => {
    const ids = (before === null
      ? db.prepare('SELECT id FROM events INDEXED BY events_by_time ORDER BY time, id LIMIT ?').pluck().all(limit)
      : db.prepare('SELECT id FROM events INDEXED BY events_by_time WHERE time < ? ORDER BY time, id LIMIT ?').pluck().all(before, limit)) as number[];
    if (ids.length === 0) return { deleted: 0, freedSnapshots: [] };
    const list = JSON.stringify(ids);
    const candidates = db.prepare('SELECT DISTINCT snapshot_id FROM snapshot_refs WHERE event_row IN (SELECT value FROM json_each(?))').pluck().all(list) as string[];
    db.prepare('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))').run(list);
    const stillReferenced = db.prepare('SELECT 1 FROM snapshot_refs WHERE snapshot_id = ? LIMIT 1').pluck();
    const forget = db.prepare('DELETE FROM snapshot_files WHERE id = ?');
    const freedSnapshots = candidates.filter((id) => !stillReferenced.get(id));
    for (const id of freedSnapshots) forget.run(id);
    return { deleted: ids.length, freedSnapshots };
  });
}

/** Time of the oldest stored event, or null when there is none. */
export function oldestTime(db: Database.Database): number | null {
  return (db.prepare('SELECT time FROM events INDEXED BY events_by_time ORDER BY time, id LIMIT 1').pluck().get() as number | undefined) ?? null;
}

/** Drops timeline buckets emptied by retention. */
export function dropEmptyCounts(db: Database.Database): void {
  db.prepare('DELETE FROM event_counts WHERE n <= 0').run();
}
