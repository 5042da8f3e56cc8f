import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SnapshotLog } from '../../../src/imaging/snapshot-log';

describe('snapshot log (24 bytes a file)', () => {
  it('gives the files back oldest first, ids and times exact, across chunk boundaries', () => {
    const log = new SnapshotLog();
    const written = Array.from({ length: 9000 }, (_, i) => ({ id: randomUUID(), at: 1_700_000_000_000 + i * 0.5 }));
    for (const w of written.slice(0, 5000)) log.push(w.id, w.at);
    assert.equal(log.size, 5000);
    for (const w of written.slice(0, 4500)) {
      assert.deepEqual(log.oldest(), w);
      log.shift();
    }
    // Appending while draining: the order holds.
    for (const w of written.slice(5000)) log.push(w.id, w.at);
    assert.equal(log.size, 4500);
    for (const w of written.slice(4500)) {
      assert.deepEqual(log.oldest(), w);
      log.shift();
    }
    assert.equal(log.size, 0);
    assert.equal(log.oldest(), null);
    log.shift();
    assert.equal(log.size, 0, 'shifting an empty log does nothing');
    log.push(written[0]!.id, 1);
    assert.deepEqual(log.oldest(), { id: written[0]!.id, at: 1 });
  });
});
