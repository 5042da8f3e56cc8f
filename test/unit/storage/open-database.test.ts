import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
