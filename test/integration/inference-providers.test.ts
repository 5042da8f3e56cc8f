import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DetectorPool, type DetectorPoolOptions } from '../../src/inference';
import { VigilError } from '../../src/errors';
import { decodeImage } from '../../src/imaging';
import { createLogger } from '../../src/observability';
import { providerMissing } from '../../workers/onnx-session';
import { startGateway } from '../helpers/gateway';
import { FACES } from '../helpers/paths';
import { ProcessGroup, exited } from '../helpers/processes';

/**
 * Execution providers: what was asked for is what runs, or start-up fails with
 * VIGIL_ERR_EXECUTION_PROVIDER naming the cause, unless CPU fallback was allowed. On the CPU
 * machines of CI the GPU providers cannot load; on a GPU host the same tests check they run.
 */

const base = { workers: 1, intraOpThreads: 1, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 10, logger: createLogger('silent') };

/** Starts a pool; resolves with it, or with the start-up error. */
async function attempt(options: Partial<DetectorPoolOptions>): Promise<DetectorPool | VigilError> {
  const pool = new DetectorPool({ ...base, ...options });
  try {
    await pool.start();
    return pool;
  } catch (error) {
    assert.ok(error instanceof VigilError, String(error));
    assert.equal(pool.state, 'failed');
    return error;
  }
}

async function detectsObama(pool: DetectorPool): Promise<void> {
  const image = await decodeImage(join(FACES, 'obama', 'obama1.jpg'));
  assert.equal((await pool.detect(image.pixels, image.width, image.height)).faces.length, 1);
}

describe('execution providers', () => {
  for (const provider of ['cuda', 'tensorrt'] as const) {
    it(`${provider}: runs on it when it loads, else a start-up error that says how to install it`, async () => {
      const result = await attempt({ provider });
      if (result instanceof DetectorPool) {
        try {
          assert.equal(result.describe().executionProvider, provider);
          await detectsObama(result);
        } finally {
          await result.close();
        }
        return;
      }
      assert.equal(result.code, 'VIGIL_ERR_EXECUTION_PROVIDER');
      assert.match(result.message, new RegExp(`^inference\\.provider ${provider}: `));
      // Where the provider library is absent (this project's default install) the message says so and how to get it.
      if (providerMissing(provider) !== null) assert.match(result.message, /not installed.*npm run install:cuda/);
    });
  }

  it('webgpu: runs on it when an adapter answers, else a start-up error naming the cause', async () => {
    const result = await attempt({ provider: 'webgpu' });
    if (result instanceof DetectorPool) {
      try {
        assert.equal(result.describe().executionProvider, 'webgpu');
        await detectsObama(result);
      } finally {
        await result.close();
      }
      return;
    }
    assert.equal(result.code, 'VIGIL_ERR_EXECUTION_PROVIDER');
    assert.match(result.message, /^inference\.provider webgpu: webgpu could not be opened: /);
  });

  it('cuda with allowCpuFallback: CPU when CUDA cannot load, saying why, and still detects', async () => {
    const result = await attempt({ provider: 'cuda', allowCpuFallback: true });
    assert.ok(result instanceof DetectorPool, 'starts either way');
    try {
      const d = result.describe();
      assert.equal(d.requestedProvider, 'cuda');
      if (d.executionProvider === 'cpu') assert.ok(d.fallbackReason, 'a fallback says why');
      else assert.equal(d.executionProvider, 'cuda');
      await detectsObama(result);
    } finally {
      await result.close();
    }
  });

  it('auto: CUDA where it loads, else the CPU without an error; the pool says which', async () => {
    const result = await attempt({ provider: 'auto', workers: 'auto' });
    assert.ok(result instanceof DetectorPool);
    try {
      const d = result.describe();
      assert.equal(d.requestedProvider, 'auto');
      assert.ok(d.executionProvider === 'cuda' || d.executionProvider === 'cpu');
      assert.ok(d.workers >= 1);
      assert.equal(d.gpuConcurrentRuns === null, d.executionProvider === 'cpu');
      await detectsObama(result);
    } finally {
      await result.close();
    }
  });
});

describe('execution provider at the gateway', () => {
  const group = new ProcessGroup();
  after(() => group.killAll());

  it('reports the provider in use in /readyz and as a metric', async () => {
    const gateway = await startGateway(group, { inference: { provider: 'cpu', workers: 1 }, cameras: [] });
    try {
      const ready = (await (await fetch(`${gateway.baseUrl}/readyz`)).json()) as { components: { models: Record<string, unknown> } };
      assert.equal(ready.components.models.executionProvider, 'cpu');
      assert.equal(ready.components.models.requestedProvider, 'cpu');
      assert.equal(ready.components.models.workers, 1);
      const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
      assert.match(metrics, /^vigil_inference_execution_provider\{provider="cpu",requested="cpu"\} 1$/m);
    } finally {
      gateway.process.kill('SIGTERM');
      assert.equal(await exited(gateway.process, 15_000), 0);
    }
  });

  it('refuses to start (exit code 3, the error code in the log) when the requested GPU provider cannot load', { skip: providerMissing('cuda') === null ? 'the CUDA provider is installed here' : false }, async () => {
    await assert.rejects(startGateway(group, { inference: { provider: 'cuda' }, cameras: [] }), (error: Error) => {
      assert.match(error.message, /gateway exited with 3 before listening/);
      assert.match(error.message, /VIGIL_ERR_EXECUTION_PROVIDER/);
      return true;
    });
  });
});
