import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCheck, presentedToken, redactedUrl } from '../../../src/auth';
import { parseTokens } from '../../../src/config/env';
import { VigilError } from '../../../src/errors';

const TOKEN = 'tok_0123456789abcdef';

describe('WebSocket token checks', () => {
  const table: [string, { url: string; headers: Record<string, string> }, string | null][] = [
    ['Authorization header', { url: '/v1/events', headers: { authorization: `Bearer ${TOKEN}` } }, TOKEN],
    ['lower-case bearer', { url: '/v1/events', headers: { authorization: `bearer ${TOKEN}` } }, TOKEN],
    ['token query parameter', { url: `/v1/events?camera=a&token=${TOKEN}`, headers: {} }, TOKEN],
    ['bearer subprotocol', { url: '/v1/events', headers: { 'sec-websocket-protocol': `vigil.events, bearer.${TOKEN}` } }, TOKEN],
    ['nothing', { url: '/v1/events', headers: {} }, null],
    ['Basic auth is not a token', { url: '/v1/events', headers: { authorization: 'Basic abc' } }, null],
  ];
  for (const [name, request, expected] of table) {
    it(`finds the token in: ${name}`, () => assert.equal(presentedToken(request, { query: true }), expected));
  }

  it('reads a query token only where asked (the WebSocket upgrade), never on ordinary routes', () => {
    const request = { url: `/v1/cameras?token=${TOKEN}`, headers: {} };
    assert.equal(presentedToken(request), null);
    assert.equal(presentedToken(request, { query: false }), null);
    assert.equal(presentedToken(request, { query: true }), TOKEN);
  });

  it('lets anyone in without tokens, and only known tokens in with them', () => {
    assert.equal(new TokenCheck([]).roleOf(null), 'anonymous');
    const check = new TokenCheck([{ role: 'viewer', token: TOKEN }, { role: 'admin', token: `${TOKEN}x` }]);
    assert.equal(check.roleOf(TOKEN), 'viewer');
    assert.equal(check.roleOf(`${TOKEN}x`), 'admin');
    assert.equal(check.roleOf('tok_0123456789abcdeF'), null);
    assert.equal(check.roleOf(null), null);
  });

  it('hides the token in URLs meant for logs', () => {
    assert.equal(redactedUrl(`/v1/events?token=${TOKEN}&camera=a`), '/v1/events?token=***&camera=a');
    assert.equal(redactedUrl('/v1/events?camera=a'), '/v1/events?camera=a');
  });

  it('parses VIGIL_TOKENS as role:token pairs, refusing bad entries without echoing the token', () => {
    assert.deepEqual(parseTokens(`viewer:${TOKEN}, admin:${TOKEN}zz`), [
      { role: 'viewer', token: TOKEN },
      { role: 'admin', token: `${TOKEN}zz` },
    ]);
    assert.deepEqual(parseTokens(undefined), []);
    for (const bad of [`root:${TOKEN}`, TOKEN, 'viewer:short']) {
      assert.throws(
        () => parseTokens(bad),
        (error: unknown) => error instanceof VigilError && error.code === 'VIGIL_ERR_CONFIG_INVALID' && !error.message.includes(TOKEN),
      );
    }
  });
});
