import { VigilError } from '../errors';

/** How to reach and authenticate to the brokers: one shape for every client Vigil makes. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly tls: {
    readonly enabled: boolean;
    readonly ca?: string | undefined;
    readonly cert?: string | undefined;
    readonly key?: string | undefined;
    readonly rejectUnauthorized: boolean;
  };
  readonly sasl: { readonly mechanism: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username?: string | undefined };
  /** From KAFKA_SASL_PASSWORD; never logged. */
  readonly saslPassword?: string | undefined;
}

/** librdkafka properties; values are strings, numbers or booleans as librdkafka takes them. */
export type ClientProperties = Record<string, string | number | boolean>;

/**
 * The librdkafka properties for the brokers, TLS and SASL settings. Pure: table-tested. A SASL
 * mechanism without its password is refused here, at start, rather than as an authentication
 * failure loop later.
 */
export function clientProperties(settings: KafkaSettings): ClientProperties {
  const sasl = settings.sasl.mechanism !== 'none';
  const props: ClientProperties = {
    'bootstrap.servers': settings.brokers.join(','),
    'client.id': settings.clientId,
    'socket.connection.setup.timeout.ms': Math.max(1000, settings.connectionTimeoutMs),
    'security.protocol': settings.tls.enabled ? (sasl ? 'sasl_ssl' : 'ssl') : sasl ? 'sasl_plaintext' : 'plaintext',
  };
  if (settings.tls.enabled) {
    if (settings.tls.ca) props['ssl.ca.location'] = settings.tls.ca;
    if (settings.tls.cert) props['ssl.certificate.location'] = settings.tls.cert;
    if (settings.tls.key) props['ssl.key.location'] = settings.tls.key;
    props['enable.ssl.certificate.verification'] = settings.tls.rejectUnauthorized;
    props['ssl.endpoint.identification.algorithm'] = settings.tls.rejectUnauthorized ? 'https' : 'none';
  }
  if (sasl) {
    if (!settings.sasl.username) throw new VigilError('VIGIL_ERR_CONFIG_INVALID', 'kafka.sasl.username: required with a SASL mechanism', { field: 'kafka.sasl.username' });
    if (!settings.saslPassword) throw new VigilError('VIGIL_ERR_CONFIG_INVALID', 'KAFKA_SASL_PASSWORD: required with kafka.sasl.mechanism', { variable: 'KAFKA_SASL_PASSWORD' });
    props['sasl.mechanisms'] = settings.sasl.mechanism.toUpperCase();
    props['sasl.username'] = settings.sasl.username;
    props['sasl.password'] = settings.saslPassword;
  }
  return props;
}
