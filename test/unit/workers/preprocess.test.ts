import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, axisKernel, letterbox, toDetectorInput } from '../../../workers/face-detection/preprocess';
import { referenceDetectorInput } from '../../helpers/reference-preprocess';

const TENSOR = 3 * DETECTOR_WIDTH * DETECTOR_HEIGHT;

/** A deterministic noisy frame: every pixel differs, so a wrong tap or offset shows. */
function noise(width: number, height: number, seed: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  let state = seed;
  for (let i = 0; i < rgb.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    rgb[i] = state & 255;
  }
  return rgb;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

describe('letterbox', () => {
  it('fits the frame inside 320x240 with its aspect ratio, centred', () => {
    assert.deepEqual(letterbox(320, 240), { frameWidth: 320, frameHeight: 240, scale: 1, offsetX: 0, offsetY: 0, contentWidth: 320, contentHeight: 240 });
    const tall = letterbox(600, 1200);
    assert.deepEqual([tall.scale, tall.contentWidth, tall.contentHeight, tall.offsetX, tall.offsetY], [0.2, 120, 240, 100, 0]);
  });
});

describe('axisKernel', () => {
  it('gives weights that sum to one for every target pixel, down and up', () => {
    for (const [source, target] of [[1920, 320], [641, 320], [100, 320], [320, 320]] as const) {
      const k = axisKernel(source, target);
      for (let i = 0; i < target; i++) {
        let sum = 0;
        for (let j = k.start[i] as number; j < (k.start[i + 1] as number); j++) sum += k.weight[j] as number;
        assert.ok(Math.abs(sum - 1) < 1e-5, `${source}->${target} pixel ${i} sums to ${sum}`);
      }
    }
  });
});

describe('toDetectorInput', () => {
  it('normalises (px - 127) / 128 into planar RGB and pads with zero', () => {
    const width = 64;
    const height = 36;
    const rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) rgb.set([255, 127, 0], i * 3);
    const out = new Float32Array(3 * DETECTOR_WIDTH * DETECTOR_HEIGHT).fill(9);
    const box = toDetectorInput(rgb, width, height, out);
    const plane = DETECTOR_WIDTH * DETECTOR_HEIGHT;
    const centre = (DETECTOR_HEIGHT / 2) * DETECTOR_WIDTH + DETECTOR_WIDTH / 2;
    assert.ok(Math.abs((out[centre] as number) - 1) < 1e-5, 'red plane');
    assert.ok(Math.abs(out[plane + centre] as number) < 1e-5, 'green plane');
    assert.ok(Math.abs((out[2 * plane + centre] as number) + 127 / 128) < 1e-5, 'blue plane');
    assert.ok(box.offsetY > 0);
    assert.equal(out[0], 0, 'padding above the content is grey (0)');
  });

  // Whole-factor sizes take the box-sum paths (2 unrolled, 4, 6), the others the weighted taps, up and down.
  for (const [width, height] of [[640, 360], [640, 480], [1280, 720], [1920, 1080], [704, 576], [641, 359], [320, 240], [100, 80], [2, 2]] as const) {
    it(`gives the two-pass reference's tensor for ${width}x${height}, padding included`, () => {
      const rgb = noise(width, height, width * 7 + height);
      const expected = new Float32Array(TENSOR);
      const actual = new Float32Array(TENSOR).fill(9);
      const expectedBox = referenceDetectorInput(rgb, width, height, expected);
      assert.deepEqual(toDetectorInput(rgb, width, height, actual), expectedBox);
      // Float32 rounding of the reference's intermediate rows only.
      assert.ok(maxDifference(actual, expected) < 1e-6, `max difference ${maxDifference(actual, expected)}`);
    });
  }

  it('reads a region of the frame (a tile) as if it were a frame of its own, without copying it', () => {
    const width = 1280;
    const height = 720;
    const rgb = noise(width, height, 11);
    const region = { x: 512, y: 288, width: 768, height: 432 };
    const copy = new Uint8Array(region.width * region.height * 3);
    for (let r = 0; r < region.height; r++) copy.set(rgb.subarray(((region.y + r) * width + region.x) * 3, ((region.y + r) * width + region.x + region.width) * 3), r * region.width * 3);
    const expected = new Float32Array(TENSOR);
    const actual = new Float32Array(TENSOR);
    const box = referenceDetectorInput(copy, region.width, region.height, expected);
    assert.deepEqual(toDetectorInput(rgb, width, height, actual, region), box);
    assert.ok(maxDifference(actual, expected) < 1e-6);
    assert.throws(() => toDetectorInput(rgb, width, height, actual, { ...region, x: 600 }), RangeError, 'a region past the frame edge');
  });

  it('writes into a slot of a batch tensor and leaves the other slots alone', () => {
    const batch = new Float32Array(TENSOR * 3).fill(7);
    toDetectorInput(noise(640, 360, 1), 640, 360, batch.subarray(TENSOR, 2 * TENSOR));
    assert.ok(batch.subarray(0, TENSOR).every((v) => v === 7) && batch.subarray(2 * TENSOR).every((v) => v === 7));
    const alone = new Float32Array(TENSOR);
    toDetectorInput(noise(640, 360, 1), 640, 360, alone);
    assert.deepEqual(batch.subarray(TENSOR, 2 * TENSOR), alone);
  });

  it('refuses a buffer smaller than the frame', () => {
    assert.throws(() => toDetectorInput(new Uint8Array(10), 64, 36, new Float32Array(3 * DETECTOR_WIDTH * DETECTOR_HEIGHT)), RangeError);
  });
});
