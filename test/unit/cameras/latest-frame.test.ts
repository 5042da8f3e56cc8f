import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { LatestFrame } from '../../../src/cameras/latest-frame';

const W = 4;
const H = 2;

function frame(value: number, capturedAt: number): { data: Uint8Array; capturedAt: number } {
  return { data: new Uint8Array(W * H * 3).fill(value), capturedAt };
}

describe('LatestFrame', () => {
  it('copies a frame at most every 200 ms of capture time, so the picture is never more than 200 ms behind', () => {
    const latest = new LatestFrame(W, H);
    const kept: number[] = [];
    for (let t = 1000; t <= 2000; t += 33) {
      latest.keep(frame(1, t));
      if (kept.at(-1) !== latest.keptAt) kept.push(latest.keptAt as number);
      assert.ok(t - (latest.keptAt as number) < 200, `at ${t} the kept frame is from ${latest.keptAt}`);
    }
    assert.deepEqual(kept, [1000, 1231, 1462, 1693, 1924]);
  });

  it('keeps a copy: the decoder reusing its buffer, or the frame moving to a worker, does not change it', async () => {
    const latest = new LatestFrame(W, H);
    const first = frame(10, 1000);
    latest.keep(first);
    first.data.fill(200);
    const { data } = await sharp(await (latest.jpeg(90, 1000) as Promise<Buffer>)).raw().toBuffer({ resolveWithObject: true });
    assert.ok(Math.abs((data[0] as number) - 10) < 8, `pixel ${data[0]}`);
  });

  it('copies at once when the clock went back (a camera restarted its timestamps)', () => {
    const latest = new LatestFrame(W, H);
    latest.keep(frame(1, 5000));
    latest.keep(frame(1, 4000));
    assert.equal(latest.keptAt, 4000);
  });

  it('ignores empty frames and answers null before the first frame', () => {
    const latest = new LatestFrame(W, H);
    latest.keep({ data: new Uint8Array(0), capturedAt: 1 });
    assert.equal(latest.keptAt, null);
    assert.equal(latest.jpeg(90), null);
  });
});
