import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotStore } from '../../../src/imaging';

const frame = { pixels: new Uint8Array(32 * 24 * 3).fill(120), width: 32, height: 24 };
const box = { x: 4, y: 4, width: 10, height: 10 };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-snapshots-'));
  dirs.push(dir);
  return dir;
};
const file = (dir: string, id: string): string => join(dir, 'snapshots', `${id}.jpg`);

describe('snapshot retention', () => {
  it('by count: the oldest go beyond maxFiles', async () => {
    const dir = dataDir();
    const store = new SnapshotStore(dir, { maxFiles: 3, jpegQuality: 80 });
    const first = await store.save(frame, box);
    const second = await store.save(frame, box);
    assert.equal(store.count, 3);
    assert.equal(existsSync(file(dir, first.face)), false);
    assert.equal(existsSync(file(dir, second.frame)), true);
  });

  it('without a count bound (the history decides): kept until removed or past their age', async () => {
    const dir = dataDir();
    const store = new SnapshotStore(dir, { maxFiles: null, maxAgeMs: 60_000, jpegQuality: 80 });
    const saved = [await store.save(frame, box), await store.save(frame, box), await store.save(frame, box)];
    assert.equal(store.count, 6);
    assert.ok((store.bytesOf(saved[0]?.face as string) ?? 0) > 100);
    assert.equal(store.bytesOf('not-an-id'), null);
    store.remove([saved[0]?.face as string, '../../etc/passwd']);
    assert.equal(existsSync(file(dir, saved[0]?.face as string)), false);
    assert.equal(store.count, 5);
    assert.equal(store.prune(Date.now()), 0, 'none is a minute old');
    assert.equal(store.prune(Date.now() + 61_000), 5);
    assert.equal(existsSync(file(dir, saved[2]?.frame as string)), false);
    // Retention survives a restart: the folder is read again.
    await store.save(frame, box);
    assert.equal(new SnapshotStore(dir, { maxFiles: null, jpegQuality: 80 }).count, 2);
  });
});
