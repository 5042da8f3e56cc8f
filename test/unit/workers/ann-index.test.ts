import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('ANN index similarities (real usearch)', () => {
  for (const [quantization, tolerance] of [['i8', 4e-3], ['f16', 2e-4], ['f32', 1e-5]] as const) {
    it(`${quantization}: scores its neighbours within ${tolerance} of the exact cosine, also after a save and load`, () => {
      const options = { ...OPTIONS, quantization };
      const index = AnnIndex.create(options);
      const faces = Array.from({ length: 1000 }, (_, i) => data.faces(i)[0] as Float32Array);
      const packed = new Float32Array(faces.length * 512);
      faces.forEach((v, i) => packed.set(v, i * 512));
      index.add(faces.map((_, i) => i + 1), packed, 1);
      const dir = mkdtempSync(join(tmpdir(), 'vigil-ann-'));
      try {
        index.save(join(dir, 'index.usearch'));
        const loaded = AnnIndex.load(join(dir, 'index.usearch'), options);
        for (const searched of [index, loaded]) {
          for (let i = 0; i < 1000; i += 50) {
            const query = data.viewOf(i, 1);
            const found = searched.scored(query, 5);
            assert.equal(found.length, 5);
            for (const { id, similarity } of found) {
              const face = faces[id - 1] as Float32Array;
              const exact = face.reduce((sum, x, d) => sum + x * (query[d] as number), 0);
              assert.ok(Math.abs(similarity - exact) < tolerance, `${quantization} row ${id}: ${similarity} against ${exact}`);
            }
            assert.equal(found[0]?.id, i + 1, `${quantization}: a view of face ${i + 1} finds it first`);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
