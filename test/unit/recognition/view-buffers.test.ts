import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ViewBuffers } from '../../../src/recognition/view-buffers';

describe('best-view frame copies', () => {
  it('copies into a released buffer of the same size instead of allocating, and keeps at most its bound', () => {
    const views = new ViewBuffers(2);
    const frame = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer;
    const a = views.copy(frame, 6);
    assert.deepEqual([...a], [1, 2, 3, 4, 5, 6]);
    views.release(a);
    views.release(a);
    assert.equal(views.spare, 1, 'a buffer is held once');
    const b = views.copy(new Uint8Array([9, 9, 9, 9, 9, 9]).buffer, 6);
    assert.equal(b, a, 'reused');
    assert.deepEqual([...b], [9, 9, 9, 9, 9, 9]);
    const other = views.copy(frame, 4);
    assert.notEqual(other, a, 'another size is never handed out');
    for (const buffer of [b, other, views.copy(frame, 6)]) views.release(buffer);
    assert.equal(views.spare, 2);
  });
});
