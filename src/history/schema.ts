/**
 * Changes kept in the appearances' change log (as the gallery's): an index file further behind
 * is rebuilt from the table instead of replayed.
 */
export const CHANGE_LOG_ENTRIES = 100_000;

/** Timeline counts are kept per camera, type and this much time. */
export const COUNT_BUCKET_MS = 5 * 60_000;

/**
 * history.db's schema. `events` holds each stored event's JSON as published (never re-serialised)
 * with the columns its filters need; the indexes are chosen so that a page of any filter is read
 * in (time, id) order from an index, never sorted (src/history/page-query.ts). Triggers keep, in
 * the database itself: the timeline counts (`event_counts`), the appearances' change log that
 * the search worker replays (`appearance_changes`, as gallery.db's `gallery_changes`), and the
 * bytes of the snapshot files the events reference.
 */
export const HISTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS history_meta (key TEXT PRIMARY KEY, value);
INSERT OR IGNORE INTO history_meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
INSERT OR IGNORE INTO history_meta (key, value) VALUES ('snapshot_bytes', 0);
INSERT OR IGNORE INTO history_meta (key, value) VALUES ('events', 0);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  type TEXT NOT NULL,
  camera TEXT NOT NULL,
  time INTEGER NOT NULL,
  identity_id TEXT,
  identity_name TEXT,
  track_id TEXT,
  run TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  json TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS events_by_event_id ON events(event_id);
CREATE INDEX IF NOT EXISTS events_by_time ON events(time, id);
CREATE INDEX IF NOT EXISTS events_by_type ON events(type, time, id);
CREATE INDEX IF NOT EXISTS events_by_camera_type ON events(camera, type, time, id);
CREATE INDEX IF NOT EXISTS events_by_identity ON events(identity_id, time, id) WHERE identity_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_identity_name ON events(identity_name, time, id) WHERE identity_name IS NOT NULL;
CREATE TABLE IF NOT EXISTS appearances (
  id INTEGER PRIMARY KEY, model TEXT NOT NULL, vector BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_refs (
  event_row INTEGER NOT NULL, snapshot_id TEXT NOT NULL, PRIMARY KEY (event_row, snapshot_id)) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS event_counts (
  camera TEXT NOT NULL, bucket INTEGER NOT NULL, type TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (bucket, camera, type)) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS events_counted_in AFTER INSERT ON events BEGIN
  INSERT INTO event_counts (camera, bucket, type, n) VALUES (NEW.camera, NEW.time / ${COUNT_BUCKET_MS}, NEW.type, 1)
    ON CONFLICT (bucket, camera, type) DO UPDATE SET n = n + 1;
  UPDATE history_meta SET value = value + 1 WHERE key = 'events'; END;
CREATE TRIGGER IF NOT EXISTS events_counted_out AFTER DELETE ON events BEGIN
  UPDATE event_counts SET n = n - 1 WHERE bucket = OLD.time / ${COUNT_BUCKET_MS} AND camera = OLD.camera AND type = OLD.type;
  DELETE FROM appearances WHERE id = OLD.id;
  DELETE FROM snapshot_refs WHERE event_row = OLD.id;
  UPDATE history_meta SET value = value - 1 WHERE key = 'events'; END;

CREATE TABLE IF NOT EXISTS appearance_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, appearance_id INTEGER NOT NULL, added INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS appearances_logged_in AFTER INSERT ON appearances BEGIN
  INSERT INTO appearance_changes (appearance_id, added) VALUES (NEW.id, 1); END;
CREATE TRIGGER IF NOT EXISTS appearances_logged_out AFTER DELETE ON appearances BEGIN
  INSERT INTO appearance_changes (appearance_id, added) VALUES (OLD.id, 0); END;
CREATE TRIGGER IF NOT EXISTS appearance_changes_bounded AFTER INSERT ON appearance_changes BEGIN
  DELETE FROM appearance_changes WHERE seq <= NEW.seq - ${CHANGE_LOG_ENTRIES}; END;

CREATE INDEX IF NOT EXISTS snapshot_refs_by_snapshot ON snapshot_refs(snapshot_id);
CREATE TABLE IF NOT EXISTS snapshot_files (id TEXT PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS snapshot_bytes_in AFTER INSERT ON snapshot_files BEGIN
  UPDATE history_meta SET value = value + NEW.bytes WHERE key = 'snapshot_bytes'; END;
CREATE TRIGGER IF NOT EXISTS snapshot_bytes_out AFTER DELETE ON snapshot_files BEGIN
  UPDATE history_meta SET value = value - OLD.bytes WHERE key = 'snapshot_bytes'; END;
`;
