import type Database from 'better-sqlite3';

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
 *
 * The aligned 112x112 crop each enrolled face (and "not this person" example, and recent track)
 * was embedded from is kept in a table of its own (a 37 KB blob in the faces row would push its
 * embedding onto overflow pages that every index build reads). `model` on faces and negatives
 * (added by migrate() in store.ts): the sha256 of the embedding model that made the embedding
 * (null: enrolled before it was recorded; the gateway adopts those at start). An update of an
 * embedding is in the change log too, so the search worker re-reads it.
 *
 * Recent tracks and their crops are trimmed to the newest on every answered track, on the
 * gateway's thread: `tracks_by_time` and `track_crops_by_time` let the trim walk a small index
 * instead of every row (a track's row is a 2 KB page, a crop's 37 KB of overflow pages before its
 * created_at). Measured with 10,000 tracks and 1,000 crops kept, the machine otherwise idle: 30.4
 * and 15.3 ms per answered track without them, 0.3 and 0.3 ms with them.
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
CREATE TRIGGER IF NOT EXISTS faces_logged_update AFTER UPDATE OF embedding ON faces BEGIN
  INSERT INTO gallery_changes (face_id, added) VALUES (NEW.id, 1); END;
CREATE TABLE IF NOT EXISTS face_crops (
  face_id INTEGER PRIMARY KEY REFERENCES faces(id) ON DELETE CASCADE, crop BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS negative_crops (
  negative_id INTEGER PRIMARY KEY REFERENCES negatives(id) ON DELETE CASCADE, crop BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS track_crops (
  track_id TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE, crop BLOB NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tracks_by_time ON tracks(created_at);
CREATE INDEX IF NOT EXISTS track_crops_by_time ON track_crops(created_at);
`;

/**
 * faces.sha256 (added after the first release, so added to older files on open): the sha256 of
 * the photo a face was enrolled from, so that re-running a bulk enrolment skips what is in.
 */
export function migrateGallery(db: Database.Database): void {
  const columns = db.prepare('PRAGMA table_info(faces)').all() as { name: string }[];
  if (!columns.some((c) => c.name === 'sha256')) db.exec('ALTER TABLE faces ADD COLUMN sha256 TEXT');
  db.exec('CREATE INDEX IF NOT EXISTS faces_identity_sha256 ON faces (identity_id, sha256)');
  // The embedding model's sha256 (see schema.ts), added after the first release.
  if (!columns.some((c) => c.name === 'model')) db.exec('ALTER TABLE faces ADD COLUMN model TEXT');
  const negativeColumns = db.prepare('PRAGMA table_info(negatives)').all() as { name: string }[];
  if (!negativeColumns.some((c) => c.name === 'model')) db.exec('ALTER TABLE negatives ADD COLUMN model TEXT');
}
