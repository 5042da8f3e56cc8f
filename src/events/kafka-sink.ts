import { CompressionTypes, Kafka, logLevel, type Producer, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { StateHolder, type Component } from '../lifecycle';
import { backoffDelay } from '../ingest';
import type { EventSink, PublishedEvent } from './event-bus';

export type KafkaSinkState = 'idle' | 'connecting' | 'ready' | 'retrying' | 'closed';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId: string;
  readonly idempotent: boolean;
  readonly maxQueuedEvents: number;
  readonly logger: Logger;
  readonly onDelivered?: (count: number) => void;
  readonly onDropped?: (reason: string, count: number) => void;
}

const BATCH_SIZE = 500;
/** A short linger lets events from several cameras share one produce request. */
const LINGER_MS = 5;

function kafkaLogLevel(level: string): logLevel {
  return level === 'debug' || level === 'trace' ? logLevel.INFO : logLevel.WARN;
}

/**
 * Publishes every event to Kafka: value = the CloudEvent JSON, key = camera id (so a camera's
 * events keep their order in one partition), acks from all in-sync replicas, CloudEvents headers.
 * Events wait in a bounded in-memory queue while Kafka is slow or down; when it overflows the
 * oldest are dropped and counted. The one door to kafkajs.
 */
export class KafkaSink implements Component<KafkaSinkState>, EventSink {
  readonly name = 'kafka';
  readonly #options: KafkaSinkOptions;
  readonly #state = new StateHolder<KafkaSinkState>('idle');
  readonly #producer: Producer;
  readonly #queue: PublishedEvent[] = [];
  #sending: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  /** Events at the head of the queue that are in a produce request right now. */
  #inFlight = 0;

  constructor(options: KafkaSinkOptions) {
    this.#options = options;
    const log = options.logger.child({ component: 'kafka' });
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: kafkaLogLevel(log.level),
      logCreator: () => (entry: LogEntry) => {
        const { message, ...rest } = entry.log;
        log[entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug']({ kafkajs: rest }, message);
      },
    });
    this.#producer = kafka.producer({
      idempotent: options.idempotent,
      maxInFlightRequests: options.idempotent ? 1 : 5,
      allowAutoTopicCreation: true,
    });
  }

  get state(): KafkaSinkState {
    return this.#state.state;
  }

  get queued(): number {
    return this.#queue.length;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    this.#schedule(0);
  }

  publish(published: PublishedEvent): void {
    if (this.state === 'closed') {
      this.#options.onDropped?.('closed', 1);
      return;
    }
    this.#queue.push(published);
    if (this.#queue.length > this.#options.maxQueuedEvents) {
      // Drop the oldest events not already in a produce request (those are Kafka's to answer for).
      const overflow = Math.min(this.#queue.length - this.#options.maxQueuedEvents, this.#queue.length - this.#inFlight);
      this.#queue.splice(this.#inFlight, overflow);
      this.#options.onDropped?.('queue_full', overflow);
      this.#options.logger.warn({ dropped: overflow, limit: this.#options.maxQueuedEvents }, 'Kafka queue full; dropped the oldest events');
    }
    if (this.state === 'ready') this.#schedule(LINGER_MS);
  }

  /** Sends what is queued (waiting up to timeoutMs), then disconnects. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.state === 'closed') return;
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length > 0 && this.state === 'ready' && Date.now() < deadline) {
      await this.#flush();
    }
    if (this.#queue.length > 0) {
      this.#options.logger.warn({ undelivered: this.#queue.length }, 'Kafka sink closed with undelivered events');
      this.#options.onDropped?.('shutdown', this.#queue.length);
    }
    this.#clearTimer();
    this.#state.set('closed');
    await this.#sending?.catch(() => undefined);
    await this.#producer.disconnect().catch(() => undefined);
  }

  destroy(): void {
    this.#clearTimer();
    this.#state.set('closed');
    void this.#producer.disconnect().catch(() => undefined);
  }

  #schedule(delayMs: number): void {
    if (this.#timer || this.state === 'closed') return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#tick();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #tick(): Promise<void> {
    if (this.state === 'closed') return;
    try {
      if (this.state !== 'ready') {
        this.#state.set('connecting');
        await this.#producer.connect();
        this.#failures = 0;
        this.#state.set('ready');
        this.#options.logger.info({ brokers: this.#options.brokers, topic: this.#options.topic }, 'Kafka producer connected');
      }
      await this.#flush();
      if (this.#queue.length > 0) this.#schedule(0);
    } catch (error) {
      if ((this.state as KafkaSinkState) === 'closed') return;
      const delay = backoffDelay({ baseMs: 500, maxMs: 30_000 }, this.#failures++);
      this.#options.logger.warn({ err: (error as Error).message, queued: this.#queue.length, retryInMs: delay }, 'Kafka unavailable; will retry');
      this.#state.set('retrying', (error as Error).message);
      this.#schedule(delay);
    }
  }

  /** Sends one batch; on failure the batch stays at the head of the queue, in order. */
  async #flush(): Promise<void> {
    if (this.#sending) return this.#sending;
    const batch = this.#queue.slice(0, BATCH_SIZE);
    if (batch.length === 0) return;
    this.#inFlight = batch.length;
    this.#sending = (async () => {
      await this.#producer.send({
        topic: this.#options.topic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: batch.map(({ event, json }) => ({
          key: event.subject,
          value: json,
          headers: {
            ce_specversion: event.specversion,
            ce_id: event.id,
            ce_type: event.type,
            ce_source: event.source,
            ce_time: event.time,
            ce_subject: event.subject,
            'content-type': 'application/cloudevents+json; charset=utf-8',
          },
        })),
      });
      // Only now is the batch Kafka's: remove exactly what was sent (new events may have arrived meanwhile).
      this.#queue.splice(0, batch.length);
      this.#options.onDelivered?.(batch.length);
    })();
    try {
      await this.#sending;
    } finally {
      this.#sending = null;
      this.#inFlight = 0;
    }
  }
}
