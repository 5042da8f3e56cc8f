import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toVigilError } from '../../../src/api';

describe('API errors and uploads', () => {
  it('maps fastify errors to catalog codes, hiding internals of unexpected ones', () => {
    const validation = Object.assign(new Error('x'), { validation: [{ instancePath: '/fps', message: 'must be number', params: {} }], validationContext: 'body' });
    assert.deepEqual(toVigilError(validation).toJSON().details, { field: 'body/fps', reason: 'must be number' });
    assert.equal(toVigilError(Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).code, 'VIGIL_ERR_PAYLOAD_TOO_LARGE');
    assert.equal(toVigilError(Object.assign(new Error('nope'), { statusCode: 415 })).code, 'VIGIL_ERR_UNSUPPORTED_MEDIA_TYPE');
    const internal = toVigilError(new Error('ENOENT /secret/path'));
    assert.equal(internal.message, 'internal error');
    assert.equal(internal.httpStatus, 500);
  });
});
