import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lanesOf, runLanes } from '../../../src/webhooks';

describe('delivery lanes', () => {
  it('groups by camera, keeping each camera in order and lanes in order of first appearance', () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    assert.deepEqual(lanesOf(items, (s) => s[0] ?? ''), [['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
    assert.deepEqual(lanesOf([], (s: string) => s), []);
  });

  it('runs at most `concurrency` lanes at once, one item of a lane at a time, and stops a lane on false', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const release: (() => void)[] = [];
    const work = async (item: string): Promise<boolean> => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
      order.push(item);
      return item !== 'b1';
    };
    const done = runLanes([['a1', 'a2'], ['b1', 'b2'], ['c1']], 2, work);
    // Releases whatever waits, one at a time, until everything finished.
    while (release.length > 0 || running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      release.shift()?.();
    }
    await done;
    assert.equal(most, 2);
    assert.ok(order.indexOf('a1') < order.indexOf('a2'));
    assert.ok(!order.includes('b2'), 'a lane stops when work says false');
    assert.ok(order.includes('c1'), 'the other lanes go on');
  });
});
