import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, axisKernel, letterbox, toDetectorInput } from '../../../workers/face-detection/preprocess';

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

  it('refuses a buffer smaller than the frame', () => {
    assert.throws(() => toDetectorInput(new Uint8Array(10), 64, 36, new Float32Array(3 * DETECTOR_WIDTH * DETECTOR_HEIGHT)), RangeError);
  });
});
