import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { signature, signatureHeaders, signingKey } from '../../../src/webhooks';

describe('webhook signatures (Standard Webhooks)', () => {
  it('matches the example of the Standard Webhooks specification', () => {
    // The specification's own example: secret, message id, timestamp, payload and the signature it gives.
    const key = signingKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    assert.equal(signature(key, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('is verified by the standardwebhooks library, for whsec_ secrets and raw secrets, and fails on any change', () => {
    const body = Buffer.from('{"specversion":"1.0","id":"e-1","data":{"camera":"gate-1","name":"Zoë"}}');
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Webhook][] = [
      ['whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=', new Webhook('whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=')],
      ['a plain shared secret of the site', new Webhook('a plain shared secret of the site', { format: 'raw' })],
    ];
    for (const [secret, verifier] of cases) {
      const headers = signatureHeaders(signingKey(secret), 'e-1', now, body);
      assert.deepEqual(Object.keys(headers).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
      assert.doesNotThrow(() => verifier.verify(body.toString(), headers), secret);
      assert.throws(() => verifier.verify(body.toString().replace('Zoë', 'Zoe'), headers), /signature/i);
      assert.throws(() => verifier.verify(body.toString(), { ...headers, 'webhook-id': 'e-2' }), /signature/i);
      // Outside the replay window (5 minutes), a valid signature is refused.
      const old = signatureHeaders(signingKey(secret), 'e-1', now - 3600, body);
      assert.throws(() => verifier.verify(body.toString(), old), /timestamp/i);
    }
  });
});
