/**
 * A clock burned into video as a row of black and white blocks: 42 bits of the wall time (ms
 * since the epoch) the frame was made, then a 6-bit check (the number of one bits), so a
 * picture read mid-change or mangled by the encoder is refused rather than misread. Written into
 * the luma plane of I420 frames; read back from any picture of it (RGB in the decoder process,
 * a canvas in the browser) at any scale. Pure.
 */
export const TIME_BITS = 42;
export const CHECK_BITS = 6;
export const BITS = TIME_BITS + CHECK_BITS;
const WHITE = 235;
const BLACK = 16;

/** Where the blocks go in a frame of `width`: side of one block, and the top-left corner of the row. */
export function clockLayout(width: number): { block: number; x0: number; y0: number } {
  const block = Math.min(32, Math.floor((width - 32) / (BITS + 1)));
  return { block, x0: block, y0: block };
}

function bitsOf(timeMs: number): number[] {
  const bits: number[] = [];
  let ones = 0;
  for (let i = TIME_BITS - 1; i >= 0; i--) {
    const bit = Math.floor(timeMs / 2 ** i) % 2;
    bits.push(bit);
    ones += bit;
  }
  for (let i = CHECK_BITS - 1; i >= 0; i--) bits.push(Math.floor(ones / 2 ** i) % 2);
  return bits;
}

/** Paints the clock into an I420 luma plane (`stride` bytes a row). */
export function paintClock(luma: Buffer, stride: number, width: number, timeMs: number): void {
  const { block, x0, y0 } = clockLayout(width);
  bitsOf(Math.round(timeMs)).forEach((bit, i) => {
    const value = bit ? WHITE : BLACK;
    for (let y = y0; y < y0 + block; y++) luma.fill(value, y * stride + x0 + i * block, y * stride + x0 + (i + 1) * block);
  });
}

/**
 * Reads the clock from a picture of the frame scaled to `width` pixels wide (the layout scales
 * with it); `luma(x, y)` gives the brightness 0-255 at a pixel. Null when the check fails.
 * Self-contained (no imports, no closures): the browser bench runs its source text in the page.
 */
export function readClock(luma: (x: number, y: number) => number, width: number, sourceWidth: number): number | null {
  const scale = width / sourceWidth;
  const block = Math.min(32, Math.floor((sourceWidth - 32) / (42 + 6 + 1)));
  let time = 0;
  let ones = 0;
  let check = 0;
  for (let i = 0; i < 48; i++) {
    const x = Math.round((block + i * block + block / 2) * scale);
    const y = Math.round((block + block / 2) * scale);
    const bit = luma(x, y) > 128 ? 1 : 0;
    if (i < 42) {
      time = time * 2 + bit;
      ones += bit;
    } else {
      check = check * 2 + bit;
    }
  }
  return check === ones % 64 && time > 0 ? time : null;
}
