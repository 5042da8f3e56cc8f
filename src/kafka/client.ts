import { connect as tcpConnect } from 'node:net';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from 'pino';
import { clientProperties, type ClientProperties, type KafkaSettings } from './settings';

/** A record to produce. `partition` given: exactly there (the cluster places cameras itself). */
export interface OutRecord {
  readonly key: string;
  /** null: a tombstone (removes the key from a compacted topic). */
  readonly value: string | Buffer | null;
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A record consumed. */
export interface InRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface ProducerOptions {
  readonly idempotent: boolean;
  readonly lingerMs: number;
  readonly requestTimeoutMs: number;
  /** librdkafka's own retries of a request before `send` fails. */
  readonly retries: number;
  readonly compression: 'gzip' | 'none';
}

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a partition without a committed offset starts: `earliest` reads a topic in full. */
  readonly start: 'earliest' | 'latest';
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Longest wait of a fetch for new records (latency of fan-out). */
  readonly maxWaitMs?: number;
  readonly onRecord: (record: InRecord) => void | Promise<void>;
  /** Partitions given to this member (incremental with cooperative assignment). */
  readonly onAssigned?: (partitions: readonly TopicPartition[]) => void | Promise<void>;
  /** Partitions taken away; awaited before the group moves them, so their work stops first. */
  readonly onRevoked?: (partitions: readonly TopicPartition[], lost: boolean) => void | Promise<void>;
}

/** librdkafka's rebalance codes (rdkafka.h: RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS / __REVOKE_PARTITIONS). */
const ASSIGN = -175;
const REVOKE = -174;

/**
 * Whether any bootstrap broker accepts a TCP connection within `timeoutMs`. Checked before a client
 * connects: the library's connect waits up to 30 s for metadata from brokers that are not there,
 * in a native call that also holds the process's exit for that long.
 */
export function brokerReachable(brokers: readonly string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let pending = brokers.length;
    if (pending === 0) return resolve(false);
    for (const broker of brokers) {
      const colon = broker.lastIndexOf(':');
      const socket = tcpConnect({ host: broker.slice(0, colon), port: Number(broker.slice(colon + 1)), timeout: timeoutMs });
      const done = (ok: boolean) => {
        socket.destroy();
        if (ok) resolve(true);
        else if (--pending === 0) resolve(false);
      };
      socket.once('connect', () => done(true));
      socket.once('timeout', () => done(false));
      socket.once('error', () => done(false));
    }
  });
}

function pinoLogger(log: Logger): KafkaJS.Logger {
  const at = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, extra?: object) => log[level]({ kafka: extra }, message);
  // librdkafka reports every refused connection as an error; the components above say what it means for them.
  const logger: KafkaJS.Logger = { error: at('warn'), warn: at('warn'), info: at('debug'), debug: at('debug'), namespace: () => logger, setLogLevel: () => undefined };
  return logger;
}

/**
 * The one door to the Kafka client library (`@confluentinc/kafka-javascript`, librdkafka
 * underneath): producers, consumers (group members with awaited revocation), and the few admin
 * calls Vigil needs. Everything outside `src/kafka` sees only the types declared here.
 */
export class KafkaClient {
  readonly #kafka: KafkaJS.Kafka;
  readonly #log: Logger;
  readonly #base: ClientProperties;
  readonly #settings: KafkaSettings;

  constructor(settings: KafkaSettings, logger: Logger) {
    this.#settings = settings;
    this.#log = logger.child({ component: 'kafka' });
    this.#base = clientProperties(settings);
    this.#kafka = new KafkaJS.Kafka({ ...this.#base, kafkaJS: { logger: pinoLogger(this.#log), logLevel: KafkaJS.logLevel.WARN } } as KafkaJS.CommonConstructorConfig);
  }

  producer(options: ProducerOptions): KafkaProducer {
    const config = {
      'enable.idempotence': options.idempotent,
      acks: -1,
      'linger.ms': options.lingerMs,
      'request.timeout.ms': options.requestTimeoutMs,
      'message.timeout.ms': Math.max(options.requestTimeoutMs * (options.retries + 1), options.requestTimeoutMs + 1000),
      'compression.codec': options.compression === 'gzip' ? 'gzip' : 'none',
      ...(options.idempotent ? {} : { retries: options.retries }),
    } as KafkaJS.ProducerConstructorConfig;
    return new KafkaProducer(() => this.#kafka.producer(config), () => this.reachable());
  }

  /** Whether a bootstrap broker accepts connections now (within the connection timeout). */
  reachable(): Promise<boolean> {
    return brokerReachable(this.#settings.brokers, Math.max(500, this.#settings.connectionTimeoutMs));
  }

  consumer(options: ConsumerOptions): KafkaConsumer {
    return new KafkaConsumer(this.#kafka, options, this.#log);
  }

  admin(): KafkaAdmin {
    return new KafkaAdmin(this.#kafka.admin());
  }
}

export class KafkaProducer {
  readonly #create: () => KafkaJS.Producer;
  #producer: KafkaJS.Producer | null = null;
  #connecting: Promise<void> | null = null;
  #connected = false;

  readonly #reachable: () => Promise<boolean>;

  /** `create` makes a fresh client: one whose connection failed cannot connect again. */
  constructor(create: () => KafkaJS.Producer, reachable: () => Promise<boolean>) {
    this.#create = create;
    this.#reachable = reachable;
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    if (!this.#connecting) {
      if (!(await this.#reachable())) throw new Error('no Kafka broker accepts connections');
      if (this.#connected || this.#connecting) return this.connect();
      const producer = (this.#producer = this.#create());
      this.#connecting = producer.connect().then(
        () => {
          this.#connected = true;
          this.#connecting = null;
        },
        (error: unknown) => {
          this.#connecting = null;
          if (this.#producer === producer) this.#producer = null;
          void producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    await this.#connecting;
  }

  /** Resolves when every record is acknowledged by all in-sync replicas (acks=-1). */
  async send(topic: string, records: readonly OutRecord[]): Promise<void> {
    await this.connect();
    const producer = this.#producer as KafkaJS.Producer;
    await producer.send({
      topic,
      messages: records.map((r) => ({ key: r.key, value: r.value, ...(r.partition !== undefined && { partition: r.partition }), ...(r.headers && { headers: { ...r.headers } }) })),
    });
  }

  /** Tears the client down, also while it is still connecting (a broker that never answers must not hold the process). */
  async disconnect(): Promise<void> {
    const producer = this.#producer;
    this.#producer = null;
    this.#connected = false;
    this.#connecting = null;
    await producer?.disconnect();
  }
}

/** A consumer in a group: reads its topics and tells assignments; revocation is awaited. */
export class KafkaConsumer {
  readonly #consumer: KafkaJS.Consumer;
  readonly #options: ConsumerOptions;
  readonly #log: Logger;
  #running = false;

  constructor(kafka: KafkaJS.Kafka, options: ConsumerOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
    this.#consumer = kafka.consumer({
      'group.id': options.groupId,
      'auto.offset.reset': options.start,
      'enable.auto.commit': false,
      'partition.assignment.strategy': 'cooperative-sticky',
      // Brokers without CreateTopics (librdkafka's mock cluster) create a subscribed topic on first use.
      'allow.auto.create.topics': true,
      ...(options.sessionTimeoutMs !== undefined && { 'session.timeout.ms': options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs !== undefined && { 'heartbeat.interval.ms': options.heartbeatIntervalMs }),
      'fetch.wait.max.ms': options.maxWaitMs ?? 100,
      rebalance_cb: async (error: { code: number }, assignment: TopicPartition[], fns: { assignmentLost: () => boolean }) => {
        const partitions = assignment.map((a) => ({ topic: a.topic, partition: a.partition }));
        try {
          if (error.code === ASSIGN) await this.#options.onAssigned?.(partitions);
          else if (error.code === REVOKE) await this.#options.onRevoked?.(partitions, fns.assignmentLost());
        } catch (e) {
          this.#log.error({ err: String(e) }, 'rebalance handler failed');
        }
      },
    } as unknown as KafkaJS.ConsumerConstructorConfig);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [...this.#options.topics] });
    await this.#consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        await this.#options.onRecord({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key ? message.key.toString() : '',
          value: message.value ?? null,
          timestamp: Number(message.timestamp),
        });
      },
    });
  }

  async close(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.#consumer.disconnect();
  }
}

export class KafkaAdmin {
  readonly #admin: KafkaJS.Admin;

  constructor(admin: KafkaJS.Admin) {
    this.#admin = admin;
  }

  connect(): Promise<void> {
    return this.#admin.connect();
  }

  disconnect(): Promise<void> {
    return this.#admin.disconnect();
  }

  /** Creates the topics that do not exist yet (an existing one is left as it is). */
  async ensureTopics(topics: readonly { topic: string; partitions: number; replicationFactor: number; compacted: boolean }[]): Promise<void> {
    const existing = new Set(await this.#admin.listTopics({ timeout: 5000 }));
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await this.#admin.createTopics({
        timeout: 5000,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          ...(t.compacted && { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }),
        })),
      });
    } catch (error) {
      // Another gateway created it meanwhile.
      if (!/already exists/i.test(String((error as Error).message))) throw error;
    }
  }
}
