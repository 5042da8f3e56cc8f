import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchScheduler, type Settled } from '../../../src/inference/batch-scheduler';
import { VigilError } from '../../../src/errors';
import { ManualClock } from '../../helpers/manual-clock';

/** A worker stand-in whose batches finish when the test says: records every batch it was given. */
class Workers {
  readonly batches: string[][] = [];
  readonly waits: number[][] = [];
  readonly #pending: (() => void)[] = [];

  run = (batch: readonly string[], queuedMs: readonly number[]): Promise<readonly Settled<string>[]> => {
    this.batches.push([...batch]);
    this.waits.push([...queuedMs]);
    return new Promise((resolve) => this.#pending.push(() => resolve(batch.map((r) => (r.startsWith('bad') ? { ok: false, error: new VigilError('VIGIL_ERR_INFERENCE_FAILED', r) } : { ok: true, value: `done ${r}` })))));
  };

  get running(): number {
    return this.#pending.length;
  }

  /** Finishes the oldest running batch and lets its promises settle. */
  async finishOne(): Promise<void> {
    this.#pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BatchScheduler', () => {
  it('sends a lone request at once when nothing runs, even with a wait configured', () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const lane = new BatchScheduler(2, clock).lane('detection', { limits: { maxSize: 8, maxWaitMs: 50 }, maxQueued: 100, weight: () => 1, run: workers.run });
    void lane.submit('a');
    assert.deepEqual(workers.batches, [['a']]);
    assert.deepEqual(workers.waits, [[0]]);
  });

  it('batches what queued while the workers were busy, in arrival order, up to maxSize', async () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const lane = new BatchScheduler(1, clock).lane('detection', { limits: { maxSize: 3, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: workers.run });
    const answers = ['a', 'b', 'c', 'd', 'e', 'f'].map((r) => lane.submit(r));
    assert.deepEqual(workers.batches, [['a']]);
    assert.equal(lane.queued, 5);
    await workers.finishOne();
    assert.deepEqual(workers.batches, [['a'], ['b', 'c', 'd']]);
    await workers.finishOne();
    await workers.finishOne();
    assert.deepEqual(workers.batches, [['a'], ['b', 'c', 'd'], ['e', 'f']]);
    assert.deepEqual(await Promise.all(answers), ['done a', 'done b', 'done c', 'done d', 'done e', 'done f']);
  });

  it('with a worker free while another runs, waits up to maxWaitMs for company, then sends', async () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const lane = new BatchScheduler(2, clock).lane('detection', { limits: { maxSize: 4, maxWaitMs: 2 }, maxQueued: 100, weight: () => 1, run: workers.run });
    void lane.submit('a');
    void lane.submit('b');
    clock.advance(1);
    void lane.submit('c');
    assert.deepEqual(workers.batches, [['a']], 'b and c wait for company');
    clock.advance(1);
    assert.deepEqual(workers.batches, [['a'], ['b', 'c']], 'sent when b had waited 2 ms');
    assert.deepEqual(workers.waits[1], [2, 1]);
  });

  it('sends a full batch without waiting', () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const lane = new BatchScheduler(2, clock).lane('detection', { limits: { maxSize: 2, maxWaitMs: 100 }, maxQueued: 100, weight: () => 1, run: workers.run });
    for (const r of ['a', 'b', 'c']) void lane.submit(r);
    assert.deepEqual(workers.batches, [['a'], ['b', 'c']]);
  });

  it('limits a batch by weight (faces), always taking at least one request', () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const scheduler = new BatchScheduler(1, clock);
    const lane = scheduler.lane('embedding', { limits: { maxSize: 4, maxWaitMs: 0 }, maxQueued: 100, weight: (r: string) => r.length, run: workers.run });
    void lane.submit('x');
    for (const r of ['aa', 'bb', 'ccccccc', 'd']) void lane.submit(r);
    return workers.finishOne().then(async () => {
      assert.deepEqual(workers.batches[1], ['aa', 'bb']);
      await workers.finishOne();
      assert.deepEqual(workers.batches[2], ['ccccccc']);
      await workers.finishOne();
      assert.deepEqual(workers.batches[3], ['d']);
    });
  });

  it('gives a free worker to the lane whose oldest request has waited longest', async () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const scheduler = new BatchScheduler(1, clock);
    const detect = scheduler.lane('detection', { limits: { maxSize: 8, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: workers.run });
    const embed = scheduler.lane('embedding', { limits: { maxSize: 8, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: workers.run });
    void detect.submit('d0');
    clock.advance(1);
    void embed.submit('e1');
    clock.advance(1);
    void detect.submit('d2');
    await workers.finishOne();
    assert.deepEqual(workers.batches, [['d0'], ['e1']]);
    await workers.finishOne();
    assert.deepEqual(workers.batches, [['d0'], ['e1'], ['d2']]);
  });

  it('fails only the bad request of a batch, and a whole batch when its run throws', async () => {
    const clock = new ManualClock();
    const scheduler = new BatchScheduler(1, clock);
    const workers = new Workers();
    const lane = scheduler.lane('detection', { limits: { maxSize: 8, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: workers.run });
    const first = lane.submit('first');
    const good = lane.submit('good');
    const bad = lane.submit('bad frame').then(() => null, (error: unknown) => error);
    await workers.finishOne();
    await workers.finishOne();
    assert.equal(await first, 'done first');
    assert.equal(await good, 'done good');
    const failure = await bad;
    assert.ok(failure instanceof VigilError && failure.code === 'VIGIL_ERR_INFERENCE_FAILED' && failure.message === 'bad frame');
    const broken = scheduler.lane('embedding', { limits: { maxSize: 8, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: () => Promise.reject(new Error('worker died')) });
    await assert.rejects(broken.submit('x'), { code: 'VIGIL_ERR_INFERENCE_FAILED', message: 'worker died' });
  });

  it('refuses a request past maxQueued at once, with a catalog error', async () => {
    const workers = new Workers();
    const lane = new BatchScheduler(1, new ManualClock()).lane('detection', { limits: { maxSize: 1, maxWaitMs: 0 }, maxQueued: 2, weight: () => 1, run: workers.run });
    void lane.submit('running');
    void lane.submit('q1');
    void lane.submit('q2');
    await assert.rejects(lane.submit('q3'), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_INFERENCE_FAILED' && /queue is full/.test(e.message));
  });

  it('drain sends the queue without waiting for company and resolves when all is done; close fails what is queued', async () => {
    const clock = new ManualClock();
    const workers = new Workers();
    const scheduler = new BatchScheduler(2, clock);
    const lane = scheduler.lane('detection', { limits: { maxSize: 8, maxWaitMs: 1000 }, maxQueued: 100, weight: () => 1, run: workers.run });
    void lane.submit('a');
    const b = lane.submit('b');
    let drained = false;
    const draining = scheduler.drain().then(() => (drained = true));
    assert.deepEqual(workers.batches, [['a'], ['b']], 'b went without its 1000 ms wait');
    await workers.finishOne();
    assert.equal(drained, false);
    await workers.finishOne();
    await draining;
    assert.equal(await b, 'done b');

    const closing = new BatchScheduler(1, clock);
    const other = new Workers();
    const l2 = closing.lane('detection', { limits: { maxSize: 1, maxWaitMs: 0 }, maxQueued: 100, weight: () => 1, run: other.run });
    const running = l2.submit('running');
    const queued = l2.submit('queued');
    queued.catch(() => undefined);
    closing.close(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool is closed'));
    await assert.rejects(queued, { message: 'inference pool is closed' });
    await assert.rejects(l2.submit('late'), { message: 'inference pool is closed' });
    await other.finishOne();
    assert.equal(await running, 'done running', 'a running batch still finishes');
    await settle();
  });
});
