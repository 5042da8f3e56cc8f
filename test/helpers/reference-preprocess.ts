import { DETECTOR_HEIGHT, DETECTOR_WIDTH, axisKernel, letterbox, type Letterbox } from '../../workers/face-detection/preprocess';

/*
 * The detector's input as Vigil computed it before the one-pass preprocessing: a horizontal
 * pass of every source row into float rows, then a vertical pass into the planar tensor. Kept
 * verbatim (only its per-size cache removed) as the oracle the fast path is tested against.
 */

/**
 * Writes an RGB24 frame into `out` (length 3*240*320, reused across frames) as the detector's
 * normalised planar tensor, letterboxed. Returns the geometry to map boxes back to the frame.
 */
export function referenceDetectorInput(rgb: Uint8Array, width: number, height: number, out: Float32Array): Letterbox {
  if (rgb.length < width * height * 3) throw new RangeError(`frame has ${rgb.length} bytes, expected ${width * height * 3}`);
  const plane = DETECTOR_WIDTH * DETECTOR_HEIGHT;
  if (out.length !== plane * 3) throw new RangeError('output tensor has the wrong size');
  const box = letterbox(width, height);
  const x = axisKernel(width, box.contentWidth);
  const y = axisKernel(height, box.contentHeight);
  const rows = new Float32Array(height * box.contentWidth * 3);
  const cw = box.contentWidth;
  // Horizontal pass: every source row to contentWidth pixels.
  for (let r = 0; r < height; r++) {
    const src = r * width * 3;
    const dst = r * cw * 3;
    for (let t = 0; t < cw; t++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = x.start[t] as number; k < (x.start[t + 1] as number); k++) {
        const p = src + (x.index[k] as number) * 3;
        const w = x.weight[k] as number;
        red += (rgb[p] as number) * w;
        green += (rgb[p + 1] as number) * w;
        blue += (rgb[p + 2] as number) * w;
      }
      rows[dst + t * 3] = red;
      rows[dst + t * 3 + 1] = green;
      rows[dst + t * 3 + 2] = blue;
    }
  }
  // Padding is 0 after normalisation (grey 127).
  out.fill(0);
  // Vertical pass straight into the planar, normalised output.
  for (let t = 0; t < box.contentHeight; t++) {
    const outRow = (t + box.offsetY) * DETECTOR_WIDTH + box.offsetX;
    for (let c = 0; c < cw; c++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = y.start[t] as number; k < (y.start[t + 1] as number); k++) {
        const p = ((y.index[k] as number) * cw + c) * 3;
        const w = y.weight[k] as number;
        red += (rows[p] as number) * w;
        green += (rows[p + 1] as number) * w;
        blue += (rows[p + 2] as number) * w;
      }
      out[outRow + c] = (red - 127) / 128;
      out[plane + outRow + c] = (green - 127) / 128;
      out[2 * plane + outRow + c] = (blue - 127) / 128;
    }
  }
  return box;
}
