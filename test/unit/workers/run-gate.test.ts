import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RunGate, createRunGate } from '../../../workers/run-gate';

describe('RunGate (accelerator permits over shared memory)', () => {
  it('lets at most N runs hold a permit at once, and every run gets one in the end', async () => {
    const gate = new RunGate(createRunGate(2));
    let holding = 0;
    let most = 0;
    const order: number[] = [];
    const runs = Array.from({ length: 8 }, (_, i) =>
      gate.run(async () => {
        holding += 1;
        most = Math.max(most, holding);
        await new Promise((resolve) => setImmediate(resolve));
        holding -= 1;
        order.push(i);
        return i;
      }),
    );
    const results = await Promise.all(runs);
    assert.deepEqual(results.map((r) => r.value), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(most, 2);
    assert.equal(order.length, 8);
    assert.equal(gate.available, 2, 'every permit is back');
    assert.ok(results.slice(2).some((r) => r.waitedMs >= 0));
  });

  it('gives the permit back when the run fails', async () => {
    const gate = new RunGate(createRunGate(1));
    await assert.rejects(gate.run(() => Promise.reject(new Error('model failed'))), /model failed/);
    assert.equal(gate.available, 1);
  });

  it('holds across worker threads: two threads with one permit never run together', async () => {
    const buffer = createRunGate(1);
    // Each thread records, in shared memory, how many runs are inside the gate when it enters.
    const inside = new SharedArrayBuffer(8);
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      const { RunGate } = require(workerData.module);
      const gate = new RunGate(workerData.buffer);
      const cells = new Int32Array(workerData.inside);
      (async () => {
        for (let i = 0; i < 20; i++) {
          await gate.run(async () => {
            const now = Atomics.add(cells, 0, 1) + 1;
            for (;;) { const most = Atomics.load(cells, 1); if (now <= most || Atomics.compareExchange(cells, 1, most, now) === most) break; }
            await new Promise((r) => setTimeout(r, 1));
            Atomics.sub(cells, 0, 1);
          });
        }
        parentPort.postMessage('done');
      })();
    `;
    const module = join(__dirname, '..', '..', '..', 'workers', 'run-gate.js');
    const threads = [0, 1].map(() => new Worker(code, { eval: true, workerData: { module, buffer, inside } }));
    try {
      await Promise.all(threads.map((t) => new Promise((resolve, reject) => {
        t.once('message', resolve);
        t.once('error', reject);
      })));
      assert.equal(Atomics.load(new Int32Array(inside), 1), 1, 'never two runs inside at once');
      assert.equal(new RunGate(buffer).available, 1);
    } finally {
      await Promise.all(threads.map((t) => t.terminate()));
    }
  });
});
