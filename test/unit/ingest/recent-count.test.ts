import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecentCount } from '../../../src/ingest';

const MIN = 60_000;

describe('RecentCount (sliding hour)', () => {
  it('counts events over the last hour and forgets older ones', () => {
    const count = new RecentCount();
    const t0 = 1_700_000_000_000;
    count.add(t0);
    count.add(t0 + 10 * MIN);
    count.add(t0 + 10 * MIN + 1);
    assert.equal(count.total(t0 + 30 * MIN), 3);
    assert.equal(count.total(t0 + 61 * MIN), 2, 'the first event is more than an hour old');
    assert.equal(count.total(t0 + 71 * MIN), 0);
  });
  it('survives a long quiet gap without growing', () => {
    const count = new RecentCount();
    count.add(0);
    count.add(1000 * 24 * 60 * MIN);
    assert.equal(count.total(1000 * 24 * 60 * MIN), 1);
  });
});
