import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { judge, parseRetryAfter, retryDelay, type AttemptResult } from '../../../src/webhooks';

const response = (status: number, extra: Partial<{ location: string; retryAfter: string; body: string }> = {}): AttemptResult => ({
  kind: 'response', status, location: extra.location ?? null, retryAfter: extra.retryAfter ?? null, body: extra.body ?? '',
});

describe('webhook delivery policy', () => {
  const table: [string, AttemptResult, 'delivered' | 'retry' | 'park'][] = [
    ['200', response(200), 'delivered'],
    ['202', response(202), 'delivered'],
    ['204', response(204), 'delivered'],
    ['301 redirect', response(301, { location: 'http://elsewhere/' }), 'park'],
    ['302 redirect', response(302), 'park'],
    ['307 redirect', response(307), 'park'],
    ['400', response(400), 'park'],
    ['401', response(401), 'park'],
    ['404', response(404), 'park'],
    ['408 request timeout', response(408), 'retry'],
    ['410 gone', response(410), 'park'],
    ['413', response(413), 'park'],
    ['422', response(422), 'park'],
    ['429 too many requests', response(429), 'retry'],
    ['500', response(500), 'retry'],
    ['502', response(502), 'retry'],
    ['503', response(503), 'retry'],
    ['100 (unexpected)', response(100), 'retry'],
    ['connection refused', { kind: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'retry'],
    ['timeout', { kind: 'error', code: 'ETIMEDOUT', message: 'no answer' }, 'retry'],
    ['refused address', { kind: 'error', code: 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED', message: 'x is loopback' }, 'retry'],
  ];
  for (const [name, result, expected] of table) {
    it(`${name}: ${expected}`, () => assert.equal(judge(result, 0).kind, expected));
  }

  it('says why an event was parked, without control characters, bounded', () => {
    const verdict = judge(response(410, { body: `gone\r\n${'x'.repeat(1000)}` }), 0);
    assert.equal(verdict.kind, 'park');
    assert.ok(verdict.kind === 'park' && verdict.reason.startsWith('HTTP 410: gone x') && verdict.reason.length <= 220, JSON.stringify(verdict));
    const redirect = judge(response(302, { location: 'http://127.0.0.1:9/elsewhere' }), 0);
    assert.equal(redirect.kind === 'park' && redirect.reason, 'HTTP 302: redirect to http://127.0.0.1:9/elsewhere not followed');
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
    const busy = judge(response(503, { retryAfter: '3' }), now);
    assert.equal(busy.kind === 'retry' && busy.retryAfterMs, 3000);
  });

  it('backs off exponentially with jitter, honours a longer Retry-After, never past the cap', () => {
    const policy = { baseMs: 100, maxMs: 5000 };
    assert.equal(retryDelay(policy, 1, null, () => 0.999999), 100);
    assert.equal(retryDelay(policy, 3, null, () => 0.999999), 400);
    assert.equal(retryDelay(policy, 30, null, () => 0.999999), 5000);
    assert.equal(retryDelay(policy, 1, null, () => 0), 10, 'floor: a tenth of the base');
    assert.equal(retryDelay(policy, 1, 2000, () => 0), 2000, 'Retry-After is longer');
    assert.equal(retryDelay(policy, 1, 60_000, () => 0), 5000, 'capped');
  });
});
