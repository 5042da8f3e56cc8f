import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readManifest } from '../../../src/inference';
import { openSession, ort } from '../../../workers/onnx-session';
import { ROOT } from '../../helpers/paths';

const MODELS = join(ROOT, 'models');
const CPU = { chain: ['cpu'] as const, allowCpuFallback: false, deviceId: 0 };
const BATCH = 3;

/**
 * Each batched variant against its source model, at the onnxruntime level: item k of a batch of
 * three gives exactly the outputs the source gives for item k alone (the CPU provider computes
 * every item of a convolution batch with the same kernels, so equality is exact here).
 */
describe('batched model variants against their sources (real onnxruntime, CPU)', () => {
  for (const [name, entry] of Object.entries(readManifest(MODELS).models)) {
    it(`${name}: every item of a batch equals the source model's answer for that item`, async () => {
      const source = entry.source as { file: string };
      const batched = (await openSession(join(MODELS, entry.file), CPU, 1)).session;
      const original = (await openSession(join(MODELS, source.file), CPU, 1)).session;
      try {
        const item = entry.input.shape.slice(1) as number[];
        const size = item.reduce((a, b) => a * b, 1);
        const data = new Float32Array(BATCH * size);
        let state = 17;
        for (let i = 0; i < data.length; i++) {
          state = (state * 1103515245 + 12345) % 2147483648;
          data[i] = (state / 2147483648) * 2 - 1;
        }
        const input = entry.input.name;
        const together = await batched.run({ [input]: new ort.Tensor('float32', data, [BATCH, ...item]) });
        for (let k = 0; k < BATCH; k++) {
          const alone = await original.run({ [input]: new ort.Tensor('float32', data.slice(k * size, (k + 1) * size), [1, ...item]) });
          for (const output of original.outputNames) {
            const a = alone[output]?.data as Float32Array;
            const b = together[output]?.data as Float32Array;
            assert.equal(b.length, a.length * BATCH, `${output}: a batch of ${BATCH} answers ${BATCH} items`);
            // The shape too: the embedding's flatten pinned to batch 1 gave [1, 1536], the same numbers in one row.
            assert.deepEqual(together[output]?.dims, [BATCH, ...(alone[output]?.dims ?? []).slice(1)], `${output} shape`);
            assert.deepEqual(b.subarray(k * a.length, (k + 1) * a.length), a, `${output}, item ${k}`);
          }
        }
      } finally {
        await Promise.all([batched.release(), original.release()]);
      }
    });
  }
});
