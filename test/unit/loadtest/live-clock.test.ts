import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clockLayout, paintClock, readClock } from '../../../loadtest/live-clock';

/** A grey I420 luma plane with the clock painted in. */
function frame(width: number, height: number, time: number): Buffer {
  const luma = Buffer.alloc(width * height, 90);
  paintClock(luma, width, width, time);
  return luma;
}

/** The plane scaled down to `to` pixels wide by nearest neighbour, as a reader sees a smaller picture. */
function scaled(luma: Buffer, width: number, height: number, to: number): (x: number, y: number) => number {
  const f = width / to;
  return (x, y) => luma[Math.min(height - 1, Math.floor(y * f)) * width + Math.min(width - 1, Math.floor(x * f))] ?? 0;
}

describe('clock burned into the bench video', () => {
  const now = 1_796_143_696_931;
  for (const [width, height] of [[1920, 1080], [1280, 720], [640, 360]] as const) {
    it(`reads back the painted time at ${width}x${height}, full size and shrunk to 640 wide`, () => {
      const luma = frame(width, height, now);
      assert.equal(readClock((x, y) => luma[y * width + x] ?? 0, width, width), now);
      assert.equal(readClock(scaled(luma, width, height, 640), 640, width), now);
    });
  }
  it('fits the row of 48 blocks inside the frame', () => {
    for (const width of [640, 1280, 1920, 3840]) {
      const { block, x0 } = clockLayout(width);
      assert.ok(x0 + 48 * block <= width && block >= 8, `${width}: block ${block}`);
    }
  });
  it('refuses a picture whose check does not match (a damaged or half-changed clock)', () => {
    const width = 1280;
    const luma = frame(width, 720, now);
    const { block, x0, y0 } = clockLayout(width);
    // Flip one time bit: the count of ones no longer matches the check bits.
    const x = x0 + 41 * block + block / 2;
    const y = y0 + block / 2;
    const flipped = (px: number, py: number): number => (Math.abs(px - x) < block / 2 && Math.abs(py - y) < block / 2 ? 255 - (luma[py * width + px] ?? 0) : (luma[py * width + px] ?? 0));
    assert.equal(readClock(flipped, width, width), null);
    assert.equal(readClock(() => 90, width, width), null, 'no clock at all');
  });
});
