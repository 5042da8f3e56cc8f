import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CATALOG, VigilError, asVigilError, errorCatalogTable } from '../../../src/errors';
import { ROOT } from '../../helpers/paths';

describe('error catalog', () => {
  it('uses stable VIGIL_ERR_ codes with a message and a valid HTTP status', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      assert.match(code, /^VIGIL_ERR_[A-Z0-9_]+$/);
      assert.ok(entry.message.length > 0, code);
      assert.ok(entry.httpStatus >= 400 && entry.httpStatus < 600, code);
    }
  });

  it('makes errors values with code, retryability and context', () => {
    const error = new VigilError('VIGIL_ERR_CONNECTION_REFUSED', undefined, { camera: 'a' });
    assert.deepEqual(error.toJSON(), { code: 'VIGIL_ERR_CONNECTION_REFUSED', message: 'connection refused by the camera', retryable: true, details: { camera: 'a' } });
    const wrapped = asVigilError(new Error('boom'), 'VIGIL_ERR_INFERENCE_FAILED');
    assert.equal(wrapped.code, 'VIGIL_ERR_INFERENCE_FAILED');
    assert.equal(wrapped.message, 'boom');
    assert.equal(asVigilError(error, 'VIGIL_ERR_INFERENCE_FAILED'), error, 'a VigilError keeps its own code');
  });

  it('is documented: README holds the table generated from the catalog, every code in it (run `npm run gen` after changing the catalog)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(errorCatalogTable()), 'README error table matches src/errors/catalog.ts');
    for (const code of Object.keys(ERROR_CATALOG)) assert.ok(readme.includes(`| \`${code}\` |`), code);
  });
});
