import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import { openDatabase } from '../../../src/storage';
import { Gallery } from '../../../src/gallery';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('openDatabase', () => {
  it('creates the folder 0700 and the database with its WAL and shared-memory files 0600', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vigil-db-')), 'data');
    const path = join(dir, 'x.db');
    const db = openDatabase(path, { synchronous: 'FULL' });
    db.exec('CREATE TABLE t (v TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run('written');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      assert.ok(existsSync(file), `${file} exists while the database is open`);
      assert.equal(mode(file).toString(8), '600', file);
    }
    assert.equal(mode(dir).toString(8), '700');
    db.close();
  });

  it('tightens a database file an older version left readable by others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-db-'));
    const path = join(dir, 'old.db');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    openDatabase(path, { synchronous: 'NORMAL' }).close();
    assert.equal(mode(path).toString(8), '600');
  });

  it('gallery.db, which holds face embeddings, is private like control.db', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-db-'));
    const gallery = Gallery.open(dir);
    gallery.enroll('someone', [{ embedding: new Float32Array(512).fill(1 / Math.sqrt(512)), source: 'test' }]);
    for (const file of ['gallery.db', 'gallery.db-wal', 'gallery.db-shm']) assert.equal(mode(join(dir, file)).toString(8), '600', file);
    gallery.close();
  });

  it('a write that reads first waits for another connection\'s write lock instead of failing "database is locked"', async () => {
    // The CLI enrolling while the gateway records a track: the gateway's connection (here a
    // worker thread, so that it can commit while this thread waits) holds the write lock for a
    // moment. enroll reads (is the name taken?) before it writes.
    const dir = mkdtempSync(join(tmpdir(), 'vigil-db-'));
    const gallery = Gallery.open(dir);
    const holder = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
      const db = new (require('better-sqlite3'))(workerData.path);
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO tracks (track_id, camera, embedding, created_at) VALUES ('t1', 'door', x'0000803f', 0)").run();
      parentPort.postMessage('locked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      db.exec('COMMIT');
      db.close();`,
      { eval: true, workerData: { path: join(dir, 'gallery.db') } },
    );
    try {
      await once(holder, 'message');
      const started = Date.now();
      const enrolled = gallery.enroll('someone', [{ embedding: new Float32Array(512).fill(1 / Math.sqrt(512)), source: 'test' }]);
      assert.equal(enrolled.name, 'someone');
      assert.ok(Date.now() - started >= 200, 'enroll waited for the other connection to commit');
      assert.ok(gallery.trackEmbedding('t1'), 'the other connection\'s write is kept too');
    } finally {
      await once(holder, 'exit');
      gallery.close();
    }
  });
});
