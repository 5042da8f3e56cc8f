import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Gallery } from '../../../src/gallery';
import { MAX_TRACKS, TRIM_TRACKS } from '../../../src/gallery/track-records';
import { MAX_TRACK_CROPS, TRIM_TRACK_CROPS } from '../../../src/gallery/face-media';

/**
 * Every answered track trims the kept tracks and crops on the gateway's thread: the trim must walk
 * the created_at indexes, not every row (a full scan of 10,000 tracks and 1,000 crops took ~45 ms
 * per answer), and still keep the newest.
 */
describe('kept tracks are trimmed through an index', () => {
  it('the trims of tracks and track crops use their created_at indexes, in a new gallery and in one made before them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-trim-'));
    try {
      // A gallery file of an older release: the tables without the indexes.
      const old = new Database(join(dir, 'gallery.db'));
      old.exec(`CREATE TABLE tracks (track_id TEXT PRIMARY KEY, camera TEXT NOT NULL, embedding BLOB NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE track_crops (track_id TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE, crop BLOB NOT NULL, created_at INTEGER NOT NULL);`);
      old.close();
      Gallery.open(dir).close();
      const db = new Database(join(dir, 'gallery.db'), { readonly: true });
      try {
        const plan = (sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as { detail: string }[]).map((r) => r.detail).join('; ');
        assert.match(plan(TRIM_TRACKS), /USING (COVERING )?INDEX tracks_by_time/);
        assert.doesNotMatch(plan(TRIM_TRACKS), /SCAN tracks(?! USING)/);
        assert.match(plan(TRIM_TRACK_CROPS), /USING (COVERING )?INDEX track_crops_by_time/);
        assert.doesNotMatch(plan(TRIM_TRACK_CROPS), /SCAN track_crops(?! USING)/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the newest tracks and crops', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-trim-'));
    const gallery = Gallery.open(dir);
    try {
      // Fill to the bounds directly (one transaction), all older than what is recorded next.
      const db = new Database(join(dir, 'gallery.db'));
      const track = db.prepare('INSERT INTO tracks (track_id, camera, embedding, created_at) VALUES (?, ?, ?, ?)');
      const crop = db.prepare('INSERT INTO track_crops (track_id, crop, created_at) VALUES (?, ?, ?)');
      db.transaction(() => {
        for (let i = 0; i < MAX_TRACKS; i++) track.run(`old-${i}`, 'cam', Buffer.alloc(8), i + 1);
        for (let i = 0; i < MAX_TRACK_CROPS; i++) crop.run(`old-${i}`, Buffer.alloc(8), i + 1);
      })();
      db.close();
      gallery.recordTrack('new-1', 'cam', Float32Array.of(1, 0), new Uint8Array(16));
      gallery.recordTrack('new-2', 'cam', Float32Array.of(0, 1), new Uint8Array(16));
      gallery.flushTracks();
      const check = new Database(join(dir, 'gallery.db'), { readonly: true });
      try {
        const ids = (table: string): Set<string> => new Set((check.prepare(`SELECT track_id FROM ${table}`).pluck().all() as string[]));
        const tracks = ids('tracks');
        assert.equal(tracks.size, MAX_TRACKS);
        assert.ok(tracks.has('new-1') && tracks.has('new-2'));
        assert.ok(!tracks.has('old-0') && !tracks.has('old-1'), 'the two oldest went');
        assert.ok(tracks.has('old-2'));
        const crops = ids('track_crops');
        assert.equal(crops.size, MAX_TRACK_CROPS);
        assert.ok(crops.has('new-1') && crops.has('new-2'));
        assert.ok(!crops.has('old-0') && !crops.has('old-1') && crops.has('old-2'));
      } finally {
        check.close();
      }
    } finally {
      gallery.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
