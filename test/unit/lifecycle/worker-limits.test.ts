import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexWorker, WORKER_RESOURCE_LIMITS } from '../../../src/lifecycle';
import { openDetectorWorkers } from '../../helpers/detector-workers';

// A stand-in index worker: it reports the limits its own isolate runs under, as seen from inside.
const REPORTING_WORKER = `
const { parentPort, resourceLimits } = require('node:worker_threads');
parentPort.postMessage({ type: 'ready', stats: resourceLimits });
parentPort.on('message', (m) => { parentPort.postMessage({ id: m.id, ok: true }); if (m.type === 'close') process.exit(0); });
`;

describe("Vigil's worker threads run with a small young generation", () => {
  it('limits it to 8 MB', () => {
    assert.equal(WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb, 8);
  });

  it('an index worker (gallery and history search) gets the limits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-limits-'));
    const script = join(dir, 'reporting-worker.js');
    writeFileSync(script, REPORTING_WORKER);
    const worker = new IndexWorker<{ id: number; type: 'close' }, { maxYoungGenerationSizeMb?: number }>({
      name: 'test index',
      script,
      workerData: null,
      failure: (message) => new Error(message),
    });
    try {
      const ready = new Promise<void>((resolve) => worker.onChange((c) => c.to === 'ready' && resolve()));
      await worker.start();
      await ready;
      assert.equal(worker.readyStats?.maxYoungGenerationSizeMb, WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb);
    } finally {
      await worker.close(5000);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every inference worker gets the limits', async () => {
    const opened = await openDetectorWorkers({ workers: 2 });
    try {
      assert.equal(opened.pool.threads.length, 2);
      for (const thread of opened.pool.threads) {
        assert.equal(thread.resourceLimits?.maxYoungGenerationSizeMb, WORKER_RESOURCE_LIMITS.maxYoungGenerationSizeMb);
      }
    } finally {
      await opened.pool.destroy();
    }
  });
});
