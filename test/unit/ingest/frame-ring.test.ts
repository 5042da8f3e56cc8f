import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBufferPool, FrameRing, ringCapacity, type DropReason, type Frame } from '../../../src/ingest';

function frame(seq: number): Frame {
  return { cameraId: 'c', seq, width: 2, height: 2, capturedAt: seq, data: new Uint8Array(12) };
}

describe('FrameRing', () => {
  it('drops the oldest frame when full and counts it as ring_full', () => {
    const drops: Array<[number, DropReason]> = [];
    const ring = new FrameRing(2, (f, reason) => drops.push([f.seq, reason]));
    [0, 1, 2, 3].forEach((seq) => ring.push(frame(seq)));
    assert.equal(ring.size, 2);
    assert.deepEqual(drops, [
      [0, 'ring_full'],
      [1, 'ring_full'],
    ]);
  });

  it('hands out the newest frame and drops the older ones as stale', () => {
    const drops: Array<[number, DropReason]> = [];
    const ring = new FrameRing(3, (f, reason) => drops.push([f.seq, reason]));
    [5, 6, 7].forEach((seq) => ring.push(frame(seq)));
    assert.equal(ring.takeNewest()?.seq, 7);
    assert.deepEqual(drops, [
      [5, 'stale'],
      [6, 'stale'],
    ]);
    assert.equal(ring.takeNewest(), undefined);
  });

  it('reports every frame it clears', () => {
    let dropped = 0;
    const ring = new FrameRing(4, () => (dropped += 1));
    [1, 2, 3].forEach((seq) => ring.push(frame(seq)));
    ring.clear();
    assert.equal(dropped, 3);
    assert.equal(ring.size, 0);
  });

  it('refuses a capacity below one', () => {
    assert.throws(() => new FrameRing(0, () => undefined), RangeError);
  });
});

describe('FrameBufferPool', () => {
  it('keeps at most its capacity of buffers and ignores foreign sizes', () => {
    const pool = new FrameBufferPool(8, 1);
    pool.release(new ArrayBuffer(8));
    pool.release(new ArrayBuffer(8));
    pool.release(new ArrayBuffer(4));
    assert.equal(pool.available, 1);
    assert.equal(pool.acquire().byteLength, 8);
    assert.equal(pool.available, 0);
    assert.equal(pool.acquire().byteLength, 8, 'allocates when empty');
  });
});

describe('ring bounds and peak', () => {
  it('is bounded by frames and by bytes, never below one frame', () => {
    assert.equal(ringCapacity(8, 64 * 1024 ** 2, 640 * 360 * 3), 8);
    assert.equal(ringCapacity(8, 10 * 1024 ** 2, 1920 * 1080 * 3), 1);
    assert.equal(ringCapacity(8, 20 * 1024 ** 2, 1920 * 1080 * 3), 3);
    assert.equal(ringCapacity(8, 1, 1920 * 1080 * 3), 1);
  });
  it('remembers the most frames held since the last look', () => {
    const ring = new FrameRing(4, () => undefined);
    [1, 2, 3].forEach((seq) => ring.push(frame(seq)));
    ring.takeNewest();
    assert.equal(ring.takePeak(), 3);
    assert.equal(ring.takePeak(), 0, 'the next period starts at the current size');
    [1, 2, 3, 4, 5, 6].forEach((seq) => ring.push(frame(seq)));
    assert.equal(ring.takePeak(), 4, 'never above the capacity');
  });
});
