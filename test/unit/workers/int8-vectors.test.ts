import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toInt8 } from '../../../workers/vector-index/int8-vectors';
import { GalleryData } from '../../helpers/gallery-data';

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('int8 vectors for the ANN index', () => {
  it('scales each vector by its own largest component, rounding', () => {
    const out = toInt8(Float32Array.from([0.5, -0.3, 0.1, 0, /* second vector */ 0.001, 0.0021, -0.004, 0.0005]), 4);
    assert.deepEqual([...out], [127, -76, 25, 0, 32, 67, -127, 16]);
  });

  it('leaves a zero or non-finite vector zero', () => {
    assert.deepEqual([...toInt8(new Float32Array(3), 3)], [0, 0, 0]);
    assert.deepEqual([...toInt8(Float32Array.from([NaN, 1, 0]), 3)], [0, 0, 0]);
    assert.deepEqual([...toInt8(Float32Array.from([Infinity, 1, 0]), 3)], [0, 0, 0]);
  });

  it('keeps the cosine of face-like vectors within 2e-3 (usearch\'s own cast: 0.012 at p99)', () => {
    const data = new GalleryData({ identities: 200, seed: 5 });
    let worst = 0;
    for (let i = 0; i < 200; i++) {
      const [face] = data.faces(i);
      const query = data.viewOf(i, i);
      const exact = cosine(face as Float32Array, query);
      const approx = cosine(toInt8(face as Float32Array, 512), toInt8(query, 512));
      worst = Math.max(worst, Math.abs(approx - exact));
    }
    assert.ok(worst < 2e-3, `off by ${worst}`);
  });
});
