import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameBufferPool, FrameSlicer } from '../../../src/ingest';

/** Bytes 0..n-1 (mod 251) so every frame's content is distinguishable. */
function stream(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

function sliceAll(chunks: Uint8Array[], frameBytes: number): { frames: Uint8Array[]; slicer: FrameSlicer } {
  const pool = new FrameBufferPool(frameBytes, 4);
  const frames: Uint8Array[] = [];
  const slicer = new FrameSlicer(pool, (buffer) => frames.push(new Uint8Array(buffer).slice()));
  for (const chunk of chunks) slicer.push(chunk);
  return { frames, slicer };
}

describe('FrameSlicer', () => {
  const frameBytes = 12;
  const data = stream(frameBytes * 5 + 7);
  const expected = [0, 1, 2, 3, 4].map((i) => data.slice(i * frameBytes, (i + 1) * frameBytes));

  const cases: Array<[string, number[]]> = [
    ['one chunk holding several frames and a partial one', [data.length]],
    ['chunks of one byte', Array.from({ length: data.length }, () => 1)],
    ['chunks that end mid-frame', [5, 13, 1, 30, data.length - 49]],
    ['chunks exactly one frame long', [12, 12, 12, 12, 12, 7]],
  ];
  for (const [name, sizes] of cases) {
    it(`cuts whole frames from ${name}`, () => {
      const chunks: Uint8Array[] = [];
      let offset = 0;
      for (const size of sizes) {
        chunks.push(data.subarray(offset, offset + size));
        offset += size;
      }
      const { frames, slicer } = sliceAll(chunks, frameBytes);
      assert.deepEqual(frames, expected);
      assert.equal(slicer.pendingBytes, 7, 'the trailing partial frame is held, not emitted');
    });
  }

  it('drops a partial frame on reset (decoder restarted) and starts clean', () => {
    const { frames, slicer } = sliceAll([data.subarray(0, 20)], frameBytes);
    assert.equal(frames.length, 1);
    slicer.reset();
    assert.equal(slicer.pendingBytes, 0);
    slicer.push(data.subarray(0, 12));
    assert.deepEqual(frames[1], expected[0]);
  });

  it('reuses released buffers instead of allocating per frame', () => {
    const pool = new FrameBufferPool(frameBytes, 2);
    const seen: ArrayBuffer[] = [];
    const slicer = new FrameSlicer(pool, (buffer) => {
      seen.push(buffer);
      pool.release(buffer);
    });
    slicer.push(stream(frameBytes * 3));
    assert.equal(seen.length, 3);
    assert.equal(seen[0], seen[1]);
    assert.equal(seen[1], seen[2]);
  });
});
