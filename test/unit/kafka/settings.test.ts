import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientProperties, type KafkaSettings } from '../../../src/kafka';
import { VigilError } from '../../../src/errors';

const base: KafkaSettings = { brokers: ['k1:9092', 'k2:9092'], clientId: 'vigil', connectionTimeoutMs: 3000, tls: { enabled: false, rejectUnauthorized: true }, sasl: { mechanism: 'none' } };

describe('Kafka client properties from TLS and SASL settings', () => {
  const cases: [string, Partial<KafkaSettings>, Record<string, unknown>][] = [
    ['plaintext', {}, { 'security.protocol': 'plaintext', 'bootstrap.servers': 'k1:9092,k2:9092', 'client.id': 'vigil' }],
    ['TLS with a private CA and a client certificate', { tls: { enabled: true, ca: '/ca.pem', cert: '/c.pem', key: '/k.pem', rejectUnauthorized: true } }, { 'security.protocol': 'ssl', 'ssl.ca.location': '/ca.pem', 'ssl.certificate.location': '/c.pem', 'ssl.key.location': '/k.pem', 'enable.ssl.certificate.verification': true, 'ssl.endpoint.identification.algorithm': 'https' }],
    ['TLS without verification (test brokers)', { tls: { enabled: true, rejectUnauthorized: false } }, { 'security.protocol': 'ssl', 'enable.ssl.certificate.verification': false, 'ssl.endpoint.identification.algorithm': 'none' }],
    ['SASL PLAIN over TLS (Confluent Cloud)', { tls: { enabled: true, rejectUnauthorized: true }, sasl: { mechanism: 'plain', username: 'key' }, saslPassword: 'secret' }, { 'security.protocol': 'sasl_ssl', 'sasl.mechanisms': 'PLAIN', 'sasl.username': 'key', 'sasl.password': 'secret' }],
    ['SCRAM-SHA-512 over TLS (MSK, Aiven)', { tls: { enabled: true, rejectUnauthorized: true }, sasl: { mechanism: 'scram-sha-512', username: 'u' }, saslPassword: 'p' }, { 'security.protocol': 'sasl_ssl', 'sasl.mechanisms': 'SCRAM-SHA-512' }],
    ['SCRAM-SHA-256 without TLS', { sasl: { mechanism: 'scram-sha-256', username: 'u' }, saslPassword: 'p' }, { 'security.protocol': 'sasl_plaintext', 'sasl.mechanisms': 'SCRAM-SHA-256' }],
  ];
  for (const [name, settings, expected] of cases) {
    it(name, () => {
      const props = clientProperties({ ...base, ...settings });
      for (const [key, value] of Object.entries(expected)) assert.equal(props[key], value, key);
      if (!settings.tls?.enabled) assert.equal(props['ssl.ca.location'], undefined);
    });
  }

  it('refuses a SASL mechanism without its password, naming KAFKA_SASL_PASSWORD', () => {
    assert.throws(() => clientProperties({ ...base, sasl: { mechanism: 'plain', username: 'u' } }), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_CONFIG_INVALID' && e.message.includes('KAFKA_SASL_PASSWORD'));
  });
});
