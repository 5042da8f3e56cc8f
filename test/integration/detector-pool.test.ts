import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DetectorPool } from '../../src/inference';
import { decodeImage, type RgbImage } from '../../src/imaging';
import { createLogger } from '../../src/observability';
import { FACES } from '../helpers/paths';

const settings = { workers: 1, intraOpThreads: 1, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100, logger: createLogger('silent') };

function copyOf(image: RgbImage): ArrayBuffer {
  return image.pixels.slice(0);
}

describe('DetectorPool (real ONNX model in worker threads)', () => {
  let image: RgbImage;
  let pool: DetectorPool;

  before(async () => {
    image = await decodeImage(join(FACES, 'scenes', 'two_people.jpg'));
    pool = new DetectorPool({ ...settings, executionProviders: ['cpu'] });
    await pool.start();
  });
  after(() => pool.close());

  it('moves the frame to the worker and back without copying it', async () => {
    const pixels = copyOf(image);
    const expected = new Uint8Array(pixels.slice(0));
    const pending = pool.detect(pixels, image.width, image.height);
    assert.equal(pixels.byteLength, 0, 'the buffer is transferred (detached here) while the worker has it');
    const result = await pending;
    assert.equal(result.faces.length, 2);
    assert.deepEqual(new Uint8Array(result.pixels), expected, 'the same pixels come back for reuse');
  });

  it('falls back to CPU when CUDA is asked for but cannot be used, and still detects', async () => {
    const gpuFirst = new DetectorPool({ ...settings, executionProviders: ['cuda', 'cpu'] });
    await gpuFirst.start();
    try {
      const info = gpuFirst.info as { executionProvider: string; fallbackReason?: string };
      if (info.executionProvider === 'cpu') assert.ok(info.fallbackReason, 'a CPU fallback says why');
      const { faces } = await gpuFirst.detect(copyOf(image), image.width, image.height);
      assert.equal(faces.length, 2);
    } finally {
      await gpuFirst.close();
    }
  });

  it('refuses work once closed, with a catalog error', async () => {
    const closed = new DetectorPool({ ...settings, executionProviders: ['cpu'] });
    await closed.start();
    await closed.close();
    await closed.close();
    await assert.rejects(closed.detect(copyOf(image), image.width, image.height), { code: 'VIGIL_ERR_INFERENCE_FAILED' });
  });
});

describe('DetectorPool liveness on request (real analysis models)', () => {
  let image: RgbImage;
  let pool: DetectorPool;

  before(async () => {
    image = await decodeImage(join(FACES, 'scenes', 'two_people.jpg'));
    pool = new DetectorPool({ ...settings, analysis: true, executionProviders: ['cpu'] });
    await pool.start();
  });
  after(() => pool.close());

  it('leaves liveness out of the per-frame analysis when asked, and scores the same faces as the per-frame analysis does on request', async () => {
    const full = await pool.detect(copyOf(image), image.width, image.height, true);
    assert.equal(full.faces.length, 2);
    for (const f of full.faces) assert.equal(typeof f.liveness, 'number', 'per-frame analysis scores liveness by default');
    const lean = await pool.detect(copyOf(image), image.width, image.height, true, false);
    assert.equal(lean.faces.length, 2);
    for (const f of lean.faces) {
      assert.ok(f.landmarks && f.quality, 'landmarks and quality are still there');
      assert.equal(f.liveness, undefined, 'no liveness without it');
    }
    const pixels = copyOf(image);
    const pending = pool.liveness(pixels, image.width, image.height, full.faces.map((f) => f.box));
    assert.equal(pixels.byteLength, 0, 'the buffer moves to the worker');
    const scored = await pending;
    assert.equal(scored.liveness.length, 2);
    scored.liveness.forEach((score, i) => assert.ok(Math.abs(score - (full.faces[i]?.liveness ?? -1)) < 1e-3, `face ${i}: ${score} on request, ${full.faces[i]?.liveness} per frame`));
    assert.deepEqual(new Uint8Array(scored.pixels), new Uint8Array(image.pixels), 'the pixels come back');
    assert.deepEqual((await pool.liveness(copyOf(image), image.width, image.height, [])).liveness, []);
  });
});

describe('DetectorPool under overload (each camera keeps one frame queued)', () => {
  it('serves every caller in turn: no camera starves behind the others (piscina queue order)', async () => {
    const image = await decodeImage(join(FACES, 'scenes', 'two_people.jpg'));
    const pool = new DetectorPool({ ...settings, executionProviders: ['cpu'] });
    await pool.start();
    try {
      // Eight "cameras", one worker: like the analyser, each caller queues its next frame as soon
      // as the previous one is answered, so the queue always holds the others' frames.
      const callers = 8;
      const rounds = 10;
      const done = new Array<number>(callers).fill(0);
      let total = 0;
      let stop = false;
      const camera = async (index: number): Promise<void> => {
        while (!stop) {
          await pool.detect(copyOf(image), image.width, image.height);
          done[index] = (done[index] ?? 0) + 1;
          total += 1;
          if (total >= callers * rounds) stop = true;
        }
      };
      await Promise.all(Array.from({ length: callers }, (_, i) => camera(i)));
      // Served in turn, each caller gets about `rounds` answers; before the fix half of them got 1.
      for (const [index, count] of done.entries()) assert.ok(count >= rounds - 2, `caller ${index} was answered ${count} times: ${done.join(' ')}`);
    } finally {
      await pool.close();
    }
  });
});
