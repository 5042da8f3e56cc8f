import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_TOKEN_LOWERED, CLOSE_TOKEN_REVOKED, accessEnd, expiryDelay } from '../../../src/events';

describe('WebSocket access ends', () => {
  it('closes with 4401 for a revoked or expired token and 4403 for a lowered role', () => {
    assert.deepEqual(accessEnd('token_revoked'), { code: CLOSE_TOKEN_REVOKED, text: 'token revoked' });
    assert.deepEqual(accessEnd('token_expired'), { code: 4401, text: 'token expired' });
    assert.deepEqual(accessEnd('token_lowered'), { code: CLOSE_TOKEN_LOWERED, text: 'token role lowered' });
  });

  it('waits until the expiry, at once when it passed, in steps beyond one timer, never for a token without one', () => {
    assert.equal(expiryDelay(null, 0), null);
    assert.equal(expiryDelay(5_000, 1_000), 4_000);
    assert.equal(expiryDelay(1_000, 5_000), 0);
    assert.equal(expiryDelay(100 * 86_400_000, 0), 2 ** 31 - 1);
  });
});
