import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tightenDataDir } from '../../../src/storage';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('data directory modes', () => {
  it("creates a missing data directory 0700 (its parents too)", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vigil-modes-')), 'a', 'data');
    assert.deepEqual(tightenDataDir(dir), []);
    assert.equal(mode(dir), 0o700);
  });

  it("tightens Vigil's own entries (databases, WAL, snapshots, journals) and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-modes-'));
    chmodSync(dir, 0o755);
    const outside = join(tmpdir(), `vigil-outside-${process.pid}`);
    writeFileSync(outside, 'x', { mode: 0o644 });
    for (const name of ['gallery.db', 'gallery.db-wal', 'gallery.db-shm', 'control.db', 'notes.txt']) writeFileSync(join(dir, name), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'snapshots'), { mode: 0o755 });
    writeFileSync(join(dir, 'snapshots', 'a.jpg'), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'kafka-journal', 'vigil.events'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'kafka-journal', 'vigil.events', '0.log'), 'x', { mode: 0o644 });
    symlinkSync(outside, join(dir, 'snapshots', 'link.jpg'));
    const changed = tightenDataDir(dir);
    assert.equal(mode(dir), 0o700);
    for (const name of ['gallery.db', 'gallery.db-wal', 'gallery.db-shm', 'control.db', 'snapshots/a.jpg', 'kafka-journal/vigil.events/0.log']) assert.equal(mode(join(dir, name)), 0o600, name);
    for (const name of ['snapshots', 'kafka-journal', 'kafka-journal/vigil.events']) assert.equal(mode(join(dir, name)), 0o700, name);
    assert.equal(mode(join(dir, 'notes.txt')), 0o644, 'not ours: left alone');
    assert.equal(mode(outside), 0o644, 'links are not followed');
    assert.equal(changed.length, 10);
    assert.deepEqual(tightenDataDir(dir), [], 'nothing left to change');
  });
});
