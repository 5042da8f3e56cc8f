import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateEmbedding, decideIdentity, shouldReport, wantsEmbedding } from '../../../src/recognition';

describe('open-set identity decision', () => {
  const s = { matchThreshold: 0.35, minViews: 2, minMargin: 0.05 };
  const views = (...ids: (string | null)[]) => ids.map((identityId) => ({ identityId, quality: 0.8 }));
  it('waits for enough views', () => assert.equal(decideIdentity(views('a'), { best: { identityId: 'a', similarity: 0.7 }, secondSimilarity: 0 }, s).kind, 'pending'));
  it('names a confident, consistent match', () => {
    assert.deepEqual(decideIdentity(views('a', 'a'), { best: { identityId: 'a', similarity: 0.6 }, secondSimilarity: 0.1 }, s), { kind: 'recognized', identityId: 'a', similarity: 0.6 });
  });
  it('one lucky view out of three does not name', () => {
    assert.equal(decideIdentity(views('a', null, null), { best: { identityId: 'a', similarity: 0.36 }, secondSimilarity: 0.1 }, s).kind, 'unknown');
  });
  it('below the threshold is unknown', () => assert.equal(decideIdentity(views(null, null), { best: { identityId: 'a', similarity: 0.3 }, secondSimilarity: 0.1 }, s).kind, 'unknown'));
  it('too close to the runner-up is unknown', () => assert.equal(decideIdentity(views('a', 'a'), { best: { identityId: 'a', similarity: 0.5 }, secondSimilarity: 0.48 }, s).kind, 'unknown'));
  it('an empty gallery is unknown', () => assert.equal(decideIdentity(views(null, null), { best: null, secondSimilarity: -1 }, s).kind, 'unknown'));

  const rec = (id: string) => ({ kind: 'recognized' as const, identityId: id, similarity: 0.6 });
  const unk = { kind: 'unknown' as const, similarity: 0.1 };
  const table: [string, Parameters<typeof shouldReport>[0], Parameters<typeof shouldReport>[1], boolean][] = [
    ['first answer', null, unk, true],
    ['pending is never reported', null, { kind: 'pending' }, false],
    ['same name again', rec('a'), rec('a'), false],
    ['name changes', rec('a'), rec('b'), true],
    ['recognised never falls back to unknown', rec('a'), unk, false],
    ['unknown becomes recognised', unk, rec('a'), true],
    ['unknown stays unknown', unk, unk, false],
  ];
  for (const [name, prev, next, want] of table) it(`report: ${name}`, () => assert.equal(shouldReport(prev, next), want));
});

describe('embedding budget', () => {
  const s = { minFaceSize: 32, maxEmbeddingsPerTrack: 3, minIntervalMs: 300, minViews: 2 };
  const track = (n: number, best: number, last: number, decided = false) => ({ embeddedViews: n, bestEmbeddedQuality: best, lastEmbeddedAt: last, decided });
  it('embeds the first views', () => assert.equal(wantsEmbedding(track(0, -1, -Infinity), { quality: 0.2, faceSize: 40, at: 0 }, s), true));
  it('never a face too small', () => assert.equal(wantsEmbedding(track(0, -1, -Infinity), { quality: 0.9, faceSize: 20, at: 0 }, s), false));
  it('not twice within the interval', () => assert.equal(wantsEmbedding(track(1, 0.5, 1000), { quality: 0.9, faceSize: 90, at: 1100 }, s), false));
  it('after the first views, only a better view', () => {
    assert.equal(wantsEmbedding(track(2, 0.8, 0), { quality: 0.79, faceSize: 90, at: 5000 }, s), false);
    assert.equal(wantsEmbedding(track(2, 0.5, 0), { quality: 0.8, faceSize: 90, at: 5000 }, s), true);
  });
  it('never beyond the budget', () => assert.equal(wantsEmbedding(track(3, 0.1, 0), { quality: 1, faceSize: 90, at: 5000 }, s), false));
  it('aggregate is L2-normalised and weighted by quality', () => {
    const v = aggregateEmbedding([{ embedding: Float32Array.from([1, 0]), quality: 0.9 }, { embedding: Float32Array.from([0, 1]), quality: 0.1 }]);
    assert.ok(Math.abs(Math.hypot(v[0] as number, v[1] as number) - 1) < 1e-6);
    assert.ok((v[0] as number) > (v[1] as number));
  });
});
