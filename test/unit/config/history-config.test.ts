import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config';

describe('history configuration keys', () => {
  it('has documented defaults: on, 30 days, 10 GiB, the four answer and status types, search on', () => {
    const { history, snapshots } = parseConfig({}, 'streams.yaml');
    assert.equal(history.enabled, true);
    assert.equal(history.maxAgeDays, 30);
    assert.equal(history.maxBytes, 10 * 1024 ** 3);
    assert.deepEqual(history.types, ['vigil.face.recognized', 'vigil.face.unknown', 'vigil.face.track.ended', 'vigil.camera.status']);
    assert.deepEqual({ ...history.search }, { enabled: true, quantization: 'i8', expansionSearch: 128, expansionAdd: 64, minSimilarity: 0.35, persistIndex: true });
    assert.equal(snapshots.maxFiles, undefined, 'unset: the history bounds the snapshots');
    assert.equal(parseConfig({ snapshots: { maxFiles: 500 } }, 'streams.yaml').snapshots.maxFiles, 500);
  });

  const refused: [string, unknown, RegExp][] = [
    ['an unknown key', { history: { keepForever: true } }, /history/],
    ['a size under 16 MiB', { history: { maxBytes: 1024 } }, /history\.maxBytes/],
    ['no age', { history: { maxAgeDays: 0 } }, /history\.maxAgeDays/],
    ['an unknown event type', { history: { types: ['vigil.face.seen'] } }, /history\.types/],
    ['a similarity above 1', { history: { search: { minSimilarity: 2 } } }, /history\.search\.minSimilarity/],
  ];
  for (const [name, document, message] of refused) {
    it(`refuses ${name}, naming the field`, () => assert.throws(() => parseConfig(document, 'streams.yaml'), message));
  }
});
