import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotStore } from '../../../src/imaging/snapshots';

const frame = (seed: number): { pixels: Uint8Array; width: number; height: number } => {
  const pixels = new Uint8Array(64 * 48 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * seed) & 255;
  return { pixels, width: 64, height: 48 };
};
const box = { x: 10, y: 10, width: 20, height: 20 };

describe('snapshot store', () => {
  it('writes face crops private (folder 0700, files 0600), the data directory included when it creates it', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'vigil-snaps-')), 'data');
    const store = new SnapshotStore(dataDir, { maxFiles: 10, jpegQuality: 80 });
    const ids = await store.save(frame(3), box);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(store.dir).mode & 0o777, 0o700);
    for (const id of [ids.face, ids.frame]) assert.equal(statSync(join(store.dir, `${id}.jpg`)).mode & 0o777, 0o600);
  });

  it('keeps within its byte bound as well as its count, oldest deleted first, also across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-snaps-'));
    const store = new SnapshotStore(dataDir, { maxFiles: 1000, maxBytes: 1024 * 1024, jpegQuality: 80 });
    const first = await store.save(frame(3), box);
    const sizes = store.bytes;
    // About 2 MB of snapshots into a 1 MB bound.
    for (let i = 0; i < Math.ceil((2 * 1024 * 1024) / sizes); i++) await store.save(frame(5 + i), box);
    assert.ok(store.bytes <= 1024 * 1024, `${store.bytes} bytes kept`);
    assert.throws(() => store.read(first.face), /SNAPSHOT_NOT_FOUND|no snapshot/);
    const onDisk = readdirSync(store.dir).reduce((sum, f) => sum + statSync(join(store.dir, f)).size, 0);
    assert.equal(onDisk, store.bytes);
    const reopened = new SnapshotStore(dataDir, { maxFiles: 1000, maxBytes: 512 * 1024, jpegQuality: 80 });
    assert.ok(reopened.bytes <= 512 * 1024 && reopened.count > 0, 'a lower bound applies at start');
  });
});
