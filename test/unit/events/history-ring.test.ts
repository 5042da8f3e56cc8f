import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HistoryRing } from '../../../src/events';

function ring(sequences: number[], maxEntries: number, maxBytes = 1_000_000, bytes = 10): HistoryRing<string> {
  const r = new HistoryRing<string>(maxEntries, maxBytes);
  for (const s of sequences) r.push(s, bytes, `e${s}`);
  return r;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('history ring', () => {
  const table: { name: string; held: number[]; max: number; since: number; latest: number; gap: [number, number] | null; items: number[] }[] = [
    { name: 'client up to date', held: range(1, 5), max: 10, since: 5, latest: 5, gap: null, items: [] },
    { name: 'missed the last two', held: range(1, 5), max: 10, since: 3, latest: 5, gap: null, items: [4, 5] },
    { name: 'missed all, all held', held: range(1, 5), max: 10, since: 0, latest: 5, gap: null, items: range(1, 5) },
    { name: 'history starts after what the client saw', held: range(1, 20), max: 10, since: 3, latest: 20, gap: [4, 10], items: range(11, 20) },
    { name: 'client saw the event just before the oldest held', held: range(1, 20), max: 10, since: 10, latest: 20, gap: null, items: range(11, 20) },
    { name: 'empty history, events were published', held: [], max: 10, since: 2, latest: 5, gap: [3, 5], items: [] },
    { name: 'nothing published yet', held: [], max: 10, since: 0, latest: 0, gap: null, items: [] },
  ];
  for (const t of table) {
    it(t.name, () => {
      const result = ring(t.held, t.max).since(t.since, t.latest);
      assert.deepEqual(result.entries.map((e) => e.item), t.items.map((s) => `e${s}`));
      assert.deepEqual(result.complete ? null : [result.from, result.to], t.gap);
    });
  }

  it('is bounded by bytes as well as entries', () => {
    const r = ring(range(1, 10), 100, 35, 10);
    assert.equal(r.size, 3);
    assert.equal(r.bytes, 30);
    assert.equal(r.oldest, 8);
    assert.equal(r.newest, 10);
  });

  it('does not keep an entry larger than the byte budget, and reports it as a gap', () => {
    const r = new HistoryRing<string>(10, 100);
    r.push(1, 10, 'small');
    r.push(2, 500, 'huge');
    assert.equal(r.size, 0);
    assert.deepEqual(r.since(0, 2), { complete: false, from: 1, to: 2, entries: [] });
  });

  it('refuses sequences that do not increase', () => {
    const r = ring([1, 2], 10);
    assert.throws(() => r.push(2, 1, 'again'), RangeError);
  });
});
