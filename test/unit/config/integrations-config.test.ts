import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseConfig, webhookIdFor } from '../../../src/config';

const SECRET = 'whsec_dGhpcy1pcy1hLXRlc3Qtc2VjcmV0LTEyMzQ1Njc4';

describe('webhooks: and mqtt: configuration', () => {
  it('is off by default', () => {
    const config = parseConfig({}, 'streams.yaml');
    assert.deepEqual(config.webhooks, []);
    assert.equal(config.mqtt, undefined);
    assert.equal(config.api.webhooksAllowPrivateTargets, false);
  });

  it('fills a webhook with documented defaults and names it after its URL when it has no id', () => {
    const config = parseConfig({ webhooks: [{ url: 'http://127.0.0.1:9000/hook', secret: SECRET }] }, 'streams.yaml');
    const [hook] = config.webhooks;
    assert.ok(hook);
    const { secret, ...rest } = hook;
    assert.deepEqual(rest, {
      id: webhookIdFor('http://127.0.0.1:9000/hook'), url: 'http://127.0.0.1:9000/hook', mode: 'structured', allowPrivateTargets: true, timeoutMs: 10_000,
      retryDelayMs: 500, retryDelayMaxMs: 60_000, concurrency: 4, maxParked: 100,
      journal: { maxBytes: 64 * 1024 ** 2, segmentBytes: 4 * 1024 ** 2, fsyncIntervalMs: 100, whenFull: 'dropOldest' },
    });
    assert.equal(secret.reveal(), SECRET);
    assert.equal(webhookIdFor('http://127.0.0.1:9000/hook'), webhookIdFor('http://127.0.0.1:9000/hook'), 'stable across restarts');
  });

  it('never shows a secret: JSON, string and inspect all give ***', () => {
    const config = parseConfig({ webhooks: [{ id: 'ha', url: 'https://ha.local/api/webhook/x', secret: SECRET }], mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'vigil', password: 'broker-password-123' } }, 'streams.yaml');
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.webhooks[0]?.secret), `${String(config.mqtt?.password)}`]) {
      assert.ok(!text.includes(SECRET) && !text.includes('broker-password-123'), text.slice(0, 200));
    }
    assert.equal(config.mqtt?.password?.reveal(), 'broker-password-123');
  });

  it('fills the mqtt section with documented defaults', () => {
    const config = parseConfig({ mqtt: { url: 'mqtt://127.0.0.1:1883' } }, 'streams.yaml');
    assert.deepEqual({ ...config.mqtt, journal: undefined, homeAssistant: undefined }, {
      url: 'mqtt://127.0.0.1:1883', topicPrefix: 'vigil', keepaliveS: 30, connectTimeoutMs: 5000, reconnectDelayMs: 500, reconnectDelayMaxMs: 30_000, maxInFlight: 100, journal: undefined, homeAssistant: undefined,
    });
    assert.deepEqual(config.mqtt?.homeAssistant, { discovery: true, discoveryPrefix: 'homeassistant' });
  });

  const refused: [string, unknown, RegExp][] = [
    ['a webhook without a secret', { webhooks: [{ url: 'http://127.0.0.1/' }] }, /webhooks\[0\]\.secret/],
    ['a short secret', { webhooks: [{ url: 'http://127.0.0.1/', secret: 'short' }] }, /webhooks\[0\]\.secret/],
    ['an ftp webhook', { webhooks: [{ url: 'ftp://127.0.0.1/', secret: SECRET }] }, /webhooks\[0\]\.url: scheme must be http or https/],
    ['a file: webhook', { webhooks: [{ url: 'file:///etc/passwd', secret: SECRET }] }, /webhooks\[0\]\.url/],
    ['not a URL', { webhooks: [{ url: 'nope', secret: SECRET }] }, /webhooks\[0\]\.url: not a valid URL/],
    ['an unknown webhook key', { webhooks: [{ url: 'http://127.0.0.1/', secret: SECRET, followRedirects: true }] }, /webhooks\[0\]/],
    ['an unknown event type', { webhooks: [{ url: 'http://127.0.0.1/', secret: SECRET, types: ['vigil.face.seen'] }] }, /webhooks\[0\]\.types\[0\]: unknown event type/],
    ['a bad camera id', { webhooks: [{ url: 'http://127.0.0.1/', secret: SECRET, cameras: ['a b'] }] }, /webhooks\[0\]\.cameras\[0\]/],
    ['two webhooks with one id', { webhooks: [{ id: 'x', url: 'http://127.0.0.1/a', secret: SECRET }, { id: 'x', url: 'http://127.0.0.1/b', secret: SECRET }] }, /webhooks\[1\]\.id: duplicate webhook id "x"/],
    ['an http broker URL', { mqtt: { url: 'http://127.0.0.1:1883' } }, /mqtt\.url: scheme must be mqtt or mqtts/],
    ['credentials in the broker URL', { mqtt: { url: 'mqtt://u:p@127.0.0.1:1883' } }, /mqtt\.url: give username and password/],
    ['a wildcard topic prefix', { mqtt: { url: 'mqtt://127.0.0.1', topicPrefix: 'vigil/#' } }, /mqtt\.topicPrefix/],
    ['an unknown mqtt key', { mqtt: { url: 'mqtt://127.0.0.1', qos: 2 } }, /mqtt/],
  ];
  for (const [name, document, message] of refused) {
    it(`refuses ${name}, naming the field`, () => assert.throws(() => parseConfig(document, 'streams.yaml'), message));
  }

  it('accepts type prefixes and known types', () => {
    const config = parseConfig({ webhooks: [{ url: 'http://127.0.0.1/', secret: SECRET, types: ['vigil.face.*', 'vigil.camera.status'], cameras: ['gate-1'] }] }, 'streams.yaml');
    assert.deepEqual(config.webhooks[0]?.types, ['vigil.face.*', 'vigil.camera.status']);
  });
});
