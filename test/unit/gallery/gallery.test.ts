import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TRACK_FLUSH_MS } from '../../../src/gallery/track-records';
import { Gallery, topK } from '../../../src/gallery';
import { searchConfig } from '../../helpers/gallery';

const unit = (...v: number[]) => {
  const a = Float32Array.from(v);
  const n = Math.hypot(...v);
  return a.map((x) => x / n);
};

describe('gallery search', () => {
  const id = (name: string) => ({ id: name, name, externalId: null, metadata: null });
  it('ranks identities by their best face', () => {
    const index = [
      { identity: id('a'), faces: [unit(1, 0, 0), unit(0, 1, 0)], negatives: [] },
      { identity: id('b'), faces: [unit(1, 1, 0)], negatives: [] },
    ];
    assert.deepEqual(topK(index, unit(0, 1, 0), 2).map((c) => c.identity.name), ['a', 'b']);
  });
  it('a face closer to the negatives than to the enrolled faces is never that identity', () => {
    const index = [{ identity: id('a'), faces: [unit(1, 0, 0)], negatives: [unit(0.6, 0.8, 0)] }];
    assert.equal(topK(index, unit(0.5, 0.86, 0), 1).length, 0);
    assert.equal(topK(index, unit(1, 0.1, 0), 1).length, 1);
  });
});

describe('gallery store (SQLite, WAL)', () => {
  it('persists identities and shows another connection\'s writes after refreshIfChanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-gallery-'));
    const gateway = Gallery.open(dir, { search: searchConfig() });
    const cli = Gallery.open(dir);
    try {
      assert.equal(gateway.size, 0);
      assert.equal(gateway.refreshIfChanged(), false);
      cli.enroll('Ada', [{ embedding: unit(1, 0, 0), source: 'a.jpg' }], { externalId: 'emp-1' });
      assert.equal(gateway.size, 0, 'not reloaded yet');
      assert.equal(gateway.refreshIfChanged(), true);
      assert.equal((await gateway.search(unit(1, 0, 0), 1))[0]?.identity.name, 'Ada');
      cli.addNegative('emp-1', unit(0, 1, 0), 'image:x.jpg');
      assert.equal(gateway.refreshIfChanged(), true);
      assert.equal((await gateway.search(unit(0.1, 1, 0), 1)).length, 0, 'negative excludes Ada');
      assert.equal(cli.list()[0]?.negatives, 1);
      assert.equal(cli.remove('Ada'), true);
      assert.equal(cli.remove('Ada'), false);
      gateway.refreshIfChanged();
      assert.equal(gateway.size, 0);
      gateway.recordTrack('t1', 'cam', unit(1, 2, 3));
      // Answered tracks are written in batches: another process (the CLI) sees one within the flush interval.
      assert.equal(cli.trackEmbedding('t1'), null, 'not written yet');
      const deadline = Date.now() + TRACK_FLUSH_MS * 10;
      while (cli.trackEmbedding('t1') === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual([...(cli.trackEmbedding('t1') ?? [])], [...unit(1, 2, 3)]);
      // The gateway reads its own answers at once, waiting or not.
      gateway.recordTrack('t2', 'cam', unit(3, 2, 1), new Uint8Array([7, 8]));
      assert.deepEqual([...(gateway.trackEmbedding('t2') ?? [])], [...unit(3, 2, 1)]);
      assert.deepEqual([...(gateway.trackCrop('t2') ?? [])], [7, 8]);
    } finally {
      await gateway.close();
      await cli.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the answered tracks still waiting when it closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-gallery-'));
    try {
      const gateway = Gallery.open(dir);
      gateway.recordTrack('t1', 'cam', unit(1, 2, 3));
      await gateway.close();
      const reopened = Gallery.open(dir);
      assert.deepEqual([...(reopened.trackEmbedding('t1') ?? [])], [...unit(1, 2, 3)]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records the photo sha256 of each face, and adds the column to a gallery file made before it existed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-gallery-'));
    try {
      // The faces table as the first release created it (no sha256 column), with one face in.
      const old = new Database(join(dir, 'gallery.db'));
      old.exec(`CREATE TABLE identities (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, external_id TEXT, metadata TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE faces (id INTEGER PRIMARY KEY, identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE, embedding BLOB NOT NULL, source TEXT, created_at INTEGER NOT NULL);
        INSERT INTO identities VALUES ('id-ada', 'Ada', NULL, NULL, 1);
        INSERT INTO faces (identity_id, embedding, source, created_at) VALUES ('id-ada', x'0000803f', 'old.jpg', 1);`);
      old.close();
      const gallery = Gallery.open(dir);
      try {
        gallery.enroll('Ada', [{ embedding: unit(1, 0, 0), source: 'new.jpg', sha256: 'ab'.repeat(32) }]);
        gallery.addFace('Ada', unit(0, 1, 0), 'upload:image', 'cd'.repeat(32));
        assert.deepEqual(gallery.faceIds('Ada').map((f) => [f.source, f.sha256]), [['old.jpg', null], ['new.jpg', 'ab'.repeat(32)], ['upload:image', 'cd'.repeat(32)]]);
      } finally {
        gallery.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
