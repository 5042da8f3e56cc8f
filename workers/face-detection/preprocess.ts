/** Detector input: 320x240 RGB, planar (NCHW), normalised as (px - 127) / 128. */
export const DETECTOR_WIDTH = 320;
export const DETECTOR_HEIGHT = 240;

/** Where a frame sits inside the detector input: scaled to fit, aspect kept, centred, padded. */
export interface Letterbox {
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly contentWidth: number;
  readonly contentHeight: number;
}

/**
 * Letterboxing rather than stretching keeps faces their true shape; on the fixture photos the
 * stretched input produced false positives on backgrounds that the letterboxed one did not.
 */
export function letterbox(frameWidth: number, frameHeight: number): Letterbox {
  const scale = Math.min(DETECTOR_WIDTH / frameWidth, DETECTOR_HEIGHT / frameHeight);
  const contentWidth = Math.max(1, Math.min(DETECTOR_WIDTH, Math.round(frameWidth * scale)));
  const contentHeight = Math.max(1, Math.min(DETECTOR_HEIGHT, Math.round(frameHeight * scale)));
  return {
    frameWidth,
    frameHeight,
    scale,
    offsetX: Math.floor((DETECTOR_WIDTH - contentWidth) / 2),
    offsetY: Math.floor((DETECTOR_HEIGHT - contentHeight) / 2),
    contentWidth,
    contentHeight,
  };
}

/**
 * Resampling weights along one axis, as compressed rows: target pixel i takes
 * sum(weight[k] * source[index[k]]) for k in [start[i], start[i+1]). Downscaling averages the
 * whole footprint (no aliasing on large photos); upscaling is bilinear.
 */
interface AxisKernel {
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

export function axisKernel(source: number, target: number): AxisKernel {
  const ratio = source / target;
  const indices: number[] = [];
  const weights: number[] = [];
  const start = new Int32Array(target + 1);
  for (let i = 0; i < target; i++) {
    start[i] = indices.length;
    if (ratio > 1) {
      const from = i * ratio;
      const to = from + ratio;
      for (let s = Math.floor(from); s < Math.min(Math.ceil(to), source); s++) {
        const overlap = Math.min(to, s + 1) - Math.max(from, s);
        if (overlap > 0) {
          indices.push(s);
          weights.push(overlap / ratio);
        }
      }
    } else {
      const position = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), source - 1);
      const low = Math.floor(position);
      const frac = position - low;
      indices.push(low, Math.min(low + 1, source - 1));
      weights.push(1 - frac, frac);
    }
  }
  start[target] = indices.length;
  return { start, index: Int32Array.from(indices), weight: Float32Array.from(weights) };
}

interface Plan {
  readonly box: Letterbox;
  readonly x: AxisKernel;
  readonly y: AxisKernel;
  /** Horizontal pass result: frameHeight rows x contentWidth x 3. */
  readonly rows: Float32Array;
}

const plans = new Map<string, Plan>();

function planFor(width: number, height: number): Plan {
  const key = `${width}x${height}`;
  let plan = plans.get(key);
  if (!plan) {
    const box = letterbox(width, height);
    plan = { box, x: axisKernel(width, box.contentWidth), y: axisKernel(height, box.contentHeight), rows: new Float32Array(height * box.contentWidth * 3) };
    if (plans.size >= 8) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

/**
 * Writes an RGB24 frame into `out` (length 3*240*320, reused across frames) as the detector's
 * normalised planar tensor, letterboxed. Returns the geometry to map boxes back to the frame.
 */
export function toDetectorInput(rgb: Uint8Array, width: number, height: number, out: Float32Array): Letterbox {
  if (rgb.length < width * height * 3) throw new RangeError(`frame has ${rgb.length} bytes, expected ${width * height * 3}`);
  const plane = DETECTOR_WIDTH * DETECTOR_HEIGHT;
  if (out.length !== plane * 3) throw new RangeError('output tensor has the wrong size');
  const { box, x, y, rows } = planFor(width, height);
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
