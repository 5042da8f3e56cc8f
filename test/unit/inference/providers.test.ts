import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_DEFAULTS, resolveBatch, resolveProvider, resolveWorkers, type ProviderSettings } from '../../../src/inference/providers';

describe('resolveProvider', () => {
  const table: [string, ProviderSettings, { requested: string; chain: string[]; allowCpuFallback: boolean; accelerated: boolean }][] = [
    ['nothing set: the CPU, as before', {}, { requested: 'cpu', chain: ['cpu'], allowCpuFallback: true, accelerated: false }],
    ['the older list with cpu last: CUDA, falling back to CPU', { executionProviders: ['cuda', 'cpu'] }, { requested: 'cuda,cpu', chain: ['cuda'], allowCpuFallback: true, accelerated: true }],
    ['the older list without cpu: CUDA or a start-up error', { executionProviders: ['cuda'] }, { requested: 'cuda', chain: ['cuda'], allowCpuFallback: false, accelerated: true }],
    ['provider: cpu', { provider: 'cpu' }, { requested: 'cpu', chain: ['cpu'], allowCpuFallback: false, accelerated: false }],
    ['provider: cuda fails rather than falling back', { provider: 'cuda' }, { requested: 'cuda', chain: ['cuda'], allowCpuFallback: false, accelerated: true }],
    ['provider: cuda with the fallback allowed', { provider: 'cuda', allowCpuFallback: true }, { requested: 'cuda', chain: ['cuda'], allowCpuFallback: true, accelerated: true }],
    ['provider: tensorrt, with CUDA for the nodes TensorRT cannot take', { provider: 'tensorrt' }, { requested: 'tensorrt', chain: ['tensorrt', 'cuda'], allowCpuFallback: false, accelerated: true }],
    ['provider: webgpu', { provider: 'webgpu' }, { requested: 'webgpu', chain: ['webgpu'], allowCpuFallback: false, accelerated: true }],
    ['provider: auto never fails for want of a GPU', { provider: 'auto' }, { requested: 'auto', chain: ['cuda'], allowCpuFallback: true, accelerated: true }],
  ];
  for (const [name, settings, expected] of table) {
    it(name, () => {
      const resolved = resolveProvider(settings);
      assert.deepEqual(
        { requested: resolved.requested, chain: [...resolved.request.chain], allowCpuFallback: resolved.request.allowCpuFallback, accelerated: resolved.accelerated },
        expected,
      );
    });
  }

  it('passes the GPU device on', () => assert.equal(resolveProvider({ provider: 'cuda', deviceId: 2 }).request.deviceId, 2));
});

describe('resolveWorkers', () => {
  const table: [number | 'auto', number, boolean, number][] = [
    [3, 16, false, 3],
    [1, 2, true, 1],
    ['auto', 1, false, 1],
    ['auto', 2, false, 2],
    ['auto', 8, false, 8],
    ['auto', 16, true, 3],
    ['auto', 2, true, 2],
    ['auto', 0, false, 1],
  ];
  for (const [workers, cores, accelerated, expected] of table) {
    it(`workers ${workers} on ${cores} cores${accelerated ? ' with a GPU (1 concurrent run)' : ''}: ${expected}`, () =>
      assert.equal(resolveWorkers(workers, { cores, accelerated, gpuRuns: 1 }), expected));
  }
});

describe('resolveBatch', () => {
  it('fills auto from the measured defaults for CPU and for GPU', () => {
    const cpu = resolveBatch({}, false);
    assert.deepEqual(cpu, { frames: { maxSize: BATCH_DEFAULTS.cpu.maxFrames, maxWaitMs: BATCH_DEFAULTS.cpu.maxWaitMs }, faces: { maxSize: BATCH_DEFAULTS.cpu.maxFaces, maxWaitMs: BATCH_DEFAULTS.cpu.maxWaitMs } });
    const gpu = resolveBatch({ maxFrames: 'auto' }, true);
    assert.equal(gpu.frames.maxSize, BATCH_DEFAULTS.gpu.maxFrames);
    assert.equal(gpu.faces.maxWaitMs, BATCH_DEFAULTS.gpu.maxWaitMs);
  });

  it('keeps what is configured', () => {
    assert.deepEqual(resolveBatch({ maxFrames: 1, maxFaces: 3, maxWaitMs: 5 }, true), { frames: { maxSize: 1, maxWaitMs: 5 }, faces: { maxSize: 3, maxWaitMs: 5 } });
  });
});
