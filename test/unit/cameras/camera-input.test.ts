import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keepStoredPassword, mergeCredentials, recordFromCreate, recordFromPatch, validateCamera } from '../../../src/cameras';
import { VigilError } from '../../../src/errors';

describe('camera input', () => {
  it('merges separate credentials into the URL (percent-encoded) and keeps them out of nothing else', () => {
    assert.equal(mergeCredentials('rtsp://10.0.0.5:554/s', 'ad min', 'p@ss:w/rd'), 'rtsp://ad%20min:p%40ss%3Aw%2Frd@10.0.0.5:554/s');
    assert.equal(mergeCredentials('rtsp://u:old@h/s', undefined, 'new'), 'rtsp://u:new@h/s');
    assert.throws(() => mergeCredentials('file:/x', 'u', 'p'), /only for network camera URLs/);
    const record = recordFromCreate({ id: 'a', url: 'rtsp://h/s', username: 'u', password: 'p' });
    assert.deepEqual(record, { id: 'a', url: 'rtsp://u:p@h/s' });
  });

  it('keeps the stored password when a redacted URL comes back, and replaces it when a new one is given', () => {
    assert.equal(keepStoredPassword('rtsp://u:***@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:secret@h/s');
    assert.equal(keepStoredPassword('rtsp://u:%2A%2A%2A@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:secret@h/s');
    assert.equal(keepStoredPassword('rtsp://u:other@h/s', 'rtsp://u:secret@h/s'), 'rtsp://u:other@h/s');
    assert.deepEqual(recordFromPatch({ id: 'a', url: 'rtsp://u:secret@h/s', fps: 5 }, { url: 'rtsp://u:***@h2/s', fps: 2 }), { id: 'a', url: 'rtsp://u:secret@h2/s', fps: 2 });
    assert.deepEqual(recordFromPatch({ id: 'a', url: 'rtsp://h/s' }, { id: 'b' }).id, 'a', 'the id never changes');
  });

  const refused: [string, Record<string, unknown>, string][] = [
    ['a concat: URL', { id: 'a', url: 'concat:/etc/passwd' }, 'VIGIL_ERR_URL_SCHEME'],
    ['a file: URL through the API', { id: 'a', url: 'file:/etc/passwd' }, 'VIGIL_ERR_LOCAL_FILES_DISABLED'],
    ['an odd width', { id: 'a', url: 'rtsp://h/s', width: 33 }, 'VIGIL_ERR_BAD_REQUEST'],
    ['an unknown key', { id: 'a', url: 'rtsp://h/s', colour: 1 }, 'VIGIL_ERR_BAD_REQUEST'],
  ];
  for (const [name, record, code] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => validateCamera(record as { id: string; url: string }, { allowLocalFiles: false, baseDir: '/' }), (e: unknown) => e instanceof VigilError && e.code === code));
  }
});
