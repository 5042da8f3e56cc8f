import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCheck, tokenDigest } from '../../../src/auth';
import { parseTokens } from '../../../src/config';

describe('tokens', () => {
  it('reads tokens from lines and commas with comments, and checks stored hashed tokens too', () => {
    const tokens = parseTokens('# ops\nviewer:aaaaaaaaaaaaaaaa\noperator:bbbbbbbbbbbbbbbb, admin:cccccccccccccccc\n', 'VIGIL_TOKENS_FILE');
    assert.deepEqual(tokens.map((t) => t.role), ['viewer', 'operator', 'admin']);
    const check = new TokenCheck(tokens, [{ id: 'tok-1', role: 'operator', source: 'stored', name: 'ci', digest: tokenDigest('dddddddddddddddd'), createdAt: null, expiresAt: null }]);
    assert.deepEqual(check.identify('dddddddddddddddd'), { role: 'operator', tokenId: 'tok-1', expiresAt: null });
    assert.equal(check.identify('bbbbbbbbbbbbbbbb')?.role, 'operator');
    assert.ok(!JSON.stringify(check.list()).includes('aaaaaaaaaaaaaaaa'), 'list holds no secret');
    assert.equal(check.remove(check.list()[0]?.id as string), false, 'configured tokens stay');
    assert.equal(check.remove('tok-1'), true);
    assert.equal(check.identify('dddddddddddddddd'), null);
  });
});
