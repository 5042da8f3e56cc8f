import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CANDIDATES, nextCandidates, rankAppearances } from '../../../workers/appearance-search/ranking';
import type { AppearanceQuery } from '../../../workers/appearance-search/protocol';

const v = (...xs: number[]): Float32Array => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs, (x) => x / n);
};
const query = (over: Partial<AppearanceQuery> = {}): AppearanceQuery => ({ vector: v(1, 0, 0), limit: 10, minSimilarity: 0.3, cameras: null, from: null, to: null, exclude: null, ...over });
const row = (id: number, vector: Float32Array, trackId: string | null, camera = 'a', time = 100) => ({ id, vector, trackId, camera, time });

describe('appearance ranking (exact re-rank of the index candidates)', () => {
  const rows = [
    row(1, v(1, 0.1, 0), 't1'),
    row(2, v(1, 0.3, 0), 't1'), // the same track, unknown then recognized: one appearance, its best
    row(3, v(1, 0.5, 0), 't2', 'b', 200),
    row(4, v(0, 1, 0), 't3'), // below minSimilarity
    row(5, v(1, 0.2, 0), null, 'a', 300),
  ];
  it('best first, one per track, at least minSimilarity', () => {
    assert.deepEqual(rankAppearances(query(), rows).map((h) => h.row), [1, 5, 3]);
  });
  it('applies camera and time filters, leaves out the searched appearance, and stops at the limit', () => {
    assert.deepEqual(rankAppearances(query({ cameras: ['b'] }), rows).map((h) => h.row), [3]);
    assert.deepEqual(rankAppearances(query({ from: 150, to: 300 }), rows).map((h) => h.row), [3]);
    assert.deepEqual(rankAppearances(query({ exclude: 1 }), rows).map((h) => h.row), [5, 2, 3]);
    assert.deepEqual(rankAppearances(query({ limit: 1 }), rows).map((h) => h.row), [1]);
  });
  it('asks the index for more only while the weakest candidate still passed and hits are missing', () => {
    assert.equal(nextCandidates(0, 10, 1_000_000, 0, null, 0.3), 64);
    assert.equal(nextCandidates(0, 100, 1_000_000, 0, null, 0.3), 400);
    assert.equal(nextCandidates(0, 10, 20, 0, null, 0.3), 20, 'never more than the index holds');
    assert.equal(nextCandidates(64, 10, 1_000_000, 3, 0.5, 0.3), 256, 'the weakest passed: more may follow');
    assert.equal(nextCandidates(64, 10, 1_000_000, 3, 0.1, 0.3), 64, 'the weakest failed: the rest would too');
    assert.equal(nextCandidates(64, 10, 1_000_000, 10, 0.9, 0.3), 64, 'enough hits');
    assert.equal(nextCandidates(MAX_CANDIDATES, 10, 1_000_000, 3, 0.9, 0.3), MAX_CANDIDATES, 'capped');
  });
});
