/**
 * Changes kept in the log. An index that fell further behind (a persisted index file older than
 * this many face changes) is rebuilt from the faces table instead of replayed.
 */
export const CHANGE_LOG_ENTRIES = 100_000;

/**
 * gallery.db's schema. Every writing connection (gateway, CLI) runs the same `CREATE ...
 * IF NOT EXISTS`, so an older database gains the indexes, the change log and its triggers on first
 * open. The triggers live in the database itself: a face added or removed by any connection,
 * directly or by an identity's cascade, lands in `gallery_changes`, which the search index replays
 * instead of reloading the whole gallery.
 */
export const GALLERY_SCHEMA = `
CREATE TABLE IF NOT EXISTS identities (
  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, external_id TEXT, metadata TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS faces (
  id INTEGER PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  embedding BLOB NOT NULL, source TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS negatives (
  id INTEGER PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
  embedding BLOB NOT NULL, source TEXT, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tracks (
  track_id TEXT PRIMARY KEY, camera TEXT NOT NULL, embedding BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS faces_by_identity ON faces(identity_id);
CREATE INDEX IF NOT EXISTS negatives_by_identity ON negatives(identity_id);
CREATE TABLE IF NOT EXISTS gallery_meta (key TEXT PRIMARY KEY, value);
INSERT OR IGNORE INTO gallery_meta (key, value) VALUES ('gallery_id', lower(hex(randomblob(16))));
INSERT OR IGNORE INTO gallery_meta (key, value) VALUES ('identities', (SELECT count(*) FROM identities));
CREATE TRIGGER IF NOT EXISTS identities_counted_in AFTER INSERT ON identities BEGIN
  UPDATE gallery_meta SET value = value + 1 WHERE key = 'identities'; END;
CREATE TRIGGER IF NOT EXISTS identities_counted_out AFTER DELETE ON identities BEGIN
  UPDATE gallery_meta SET value = value - 1 WHERE key = 'identities'; END;
CREATE TABLE IF NOT EXISTS gallery_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, face_id INTEGER NOT NULL, added INTEGER NOT NULL);
INSERT OR IGNORE INTO gallery_meta (key, value) VALUES ('faces', (SELECT count(*) FROM faces));
CREATE TRIGGER IF NOT EXISTS faces_logged_in AFTER INSERT ON faces BEGIN
  INSERT INTO gallery_changes (face_id, added) VALUES (NEW.id, 1);
  UPDATE gallery_meta SET value = value + 1 WHERE key = 'faces'; END;
CREATE TRIGGER IF NOT EXISTS faces_logged_out AFTER DELETE ON faces BEGIN
  INSERT INTO gallery_changes (face_id, added) VALUES (OLD.id, 0);
  UPDATE gallery_meta SET value = value - 1 WHERE key = 'faces'; END;
CREATE TRIGGER IF NOT EXISTS gallery_changes_bounded AFTER INSERT ON gallery_changes BEGIN
  DELETE FROM gallery_changes WHERE seq <= NEW.seq - ${CHANGE_LOG_ENTRIES}; END;
`;
