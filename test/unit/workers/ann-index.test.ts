import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnnIndex } from '../../../workers/vector-index/ann-index';
import { GalleryData } from '../../helpers/gallery-data';

const OPTIONS = { dimensions: 512, quantization: 'i8' as const, expansionSearch: 64, expansionAdd: 32, buildThreads: 1 };
const data = new GalleryData({ identities: 1000, seed: 3 });

describe('ANN index (real usearch)', () => {
  it('rows removed stay removed through rounds of churn', () => {
    // usearch 2.25.3 lost removals after a few rounds (its key table filled with tombstones:
    // remove() answered 0 and the row stayed searchable); 2.26 rehashes them.
    const index = AnnIndex.create(OPTIONS);
    let next = 1;
    for (let round = 0; round < 6; round++) {
      const ids = Array.from({ length: 150 }, () => next++);
      const vectors = new Float32Array(ids.length * 512);
      ids.forEach((id, i) => vectors.set(data.centre(id % 1000), i * 512));
      index.add(ids, vectors, 1);
      assert.equal(index.size, ids.length, `round ${round}: added`);
      for (const id of ids) assert.equal(index.remove(id), true, `round ${round}: row ${id} removed`);
      assert.equal(index.size, 0, `round ${round}: empty again`);
      assert.ok(!ids.some((id) => index.has(id)), `round ${round}: no removed row left`);
    }
  });
});
