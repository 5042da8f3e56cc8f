import { join } from 'node:path';
import type { Logger } from 'pino';
import { KafkaClient, type KafkaProducer, type KafkaSettings, type OutRecord } from '../kafka';
import { StateHolder, backoffDelay, type Component } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { attributeValues, attributesFrom, attributesOf, type CloudEvent, type ContextAttributes } from './cloud-event';
import type { EventSink, PublishedEvent } from './event-bus';
import { Journal, type JournalEntry, type JournalFullPolicy } from './journal';

export type KafkaSinkState = 'idle' | 'connecting' | 'ready' | 'retrying' | 'closed';

export interface KafkaJournalOptions {
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsyncIntervalMs: number;
  readonly whenFull: JournalFullPolicy;
}

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly clientId: string;
  readonly idempotent: boolean;
  /** Most events read from the journal into one produce request. */
  readonly maxBatchEvents: number;
  readonly lingerMs: number;
  readonly requestTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly retries: number;
  readonly compression: 'gzip' | 'none';
  /** TLS and SASL (absent: plaintext, no authentication). */
  readonly tls?: KafkaSettings['tls'];
  readonly sasl?: KafkaSettings['sasl'];
  readonly saslPassword?: string | undefined;
  /** The journal lives in `<dataDir>/kafka-journal/<topic>`. */
  readonly dataDir: string;
  readonly journal: KafkaJournalOptions;
  readonly logger: Logger;
  readonly onDelivered?: (acceptedAt: readonly number[]) => void;
  readonly onDropped?: (reason: string, count: number) => void;
  readonly onSendFailed?: () => void;
  readonly onJournaled?: () => void;
  /** Journal size and backlog changed (after appends and acknowledgements). */
  readonly onJournal?: (pendingEvents: number, bytes: number, full: boolean) => void;
}

/** Raw bytes per produce request; gzip makes the record batch far smaller than the broker limit (1 MB). */
const BATCH_BYTES = 1024 * 1024;
const BATCH_EVENTS = 2000;

/** Kafka message for one event: key = camera id; CloudEvents Kafka binding headers (`ce_*`). */
export function kafkaMessage(attributes: ContextAttributes, json: string): OutRecord & { headers: Record<string, string> } {
  return {
    key: attributes.subject,
    value: json,
    headers: {
      ce_specversion: attributes.specversion,
      ce_id: attributes.id,
      ce_type: attributes.type,
      ce_source: attributes.source,
      ce_time: attributes.time,
      ce_subject: attributes.subject,
      ce_sequence: attributes.sequence,
      ce_vigilrun: attributes.vigilrun,
      ...(attributes.traceparent && { ce_traceparent: attributes.traceparent }),
      'content-type': 'application/cloudevents+json; charset=utf-8',
    },
  };
}

/**
 * Publishes every event to Kafka through a write-ahead journal: `publish` appends the event to the
 * on-disk journal (that is when the sink has accepted it), and one loop sends the journal in order,
 * a batch at a time, moving the journal's cursor only when Kafka has acknowledged (acks from all
 * in-sync replicas). An outage therefore just lets the journal grow (bounded; full means dropOldest
 * or rejectNew, loudly), replay after an outage or a restart is the same code path as normal
 * sending, and journal order is send order, so each camera's events stay in order. The client
 * library is behind src/kafka.
 */
export class KafkaSink implements Component<KafkaSinkState>, EventSink {
  readonly name = 'kafka';
  readonly #options: KafkaSinkOptions;
  readonly #state = new StateHolder<KafkaSinkState>('idle');
  readonly #producer: KafkaProducer;
  readonly #journal: Journal;
  readonly #log: Logger;
  #sending: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #failures = 0;
  #full = false;
  #writable = true;

  constructor(options: KafkaSinkOptions) {
    this.#options = options;
    const log = options.logger.child({ component: 'kafka' });
    this.#log = log;
    const settings: KafkaSettings = {
      brokers: options.brokers,
      clientId: options.clientId,
      connectionTimeoutMs: options.connectionTimeoutMs,
      tls: options.tls ?? { enabled: false, rejectUnauthorized: true },
      sasl: options.sasl ?? { mechanism: 'none' },
      saslPassword: options.saslPassword,
    };
    this.#producer = new KafkaClient(settings, options.logger).producer({
      idempotent: options.idempotent,
      lingerMs: options.lingerMs,
      requestTimeoutMs: options.requestTimeoutMs,
      retries: options.retries,
      compression: options.compression,
    });
    this.#journal = new Journal({
      ...options.journal,
      dir: join(options.dataDir, 'kafka-journal', options.topic),
      onDropped: (reason, count, detail) => {
        if (count > 0) options.onDropped?.(reason, count);
        if (reason === 'journal_full') this.#setFull(true);
        log.error({ reason, dropped: count, detail }, reason === 'journal_full' ? 'Kafka journal full: dropped the oldest undelivered events' : 'Kafka journal damaged');
      },
    });
  }

  get state(): KafkaSinkState {
    return this.#state.state;
  }

  /** Events accepted and not yet acknowledged by Kafka (all in the journal). */
  get queued(): number {
    return this.#journal.pending;
  }

  get journalBytes(): number {
    return this.#journal.bytes;
  }

  /** True while the journal is (nearly) full and the whenFull policy is losing events. */
  get journalFull(): boolean {
    return this.#full;
  }

  /** False since the last append failed (disk full, I/O error) until one succeeds again. */
  get journalWritable(): boolean {
    return this.#writable;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    let waiting: number;
    try {
      waiting = this.#journal.open();
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_JOURNAL_IO', { topic: this.#options.topic });
    }
    if (waiting > 0) this.#log.info({ events: waiting, bytes: this.#journal.bytes }, 'Kafka journal holds undelivered events; replaying them first');
    this.#report();
    this.#schedule(0);
  }

  publish(published: PublishedEvent): void {
    if (this.state === 'closed') {
      this.#options.onDropped?.('closed', 1);
      return;
    }
    let appended: boolean;
    try {
      appended = this.#journal.append(published.acceptedAt, published.json, attributeValues(published.event));
      this.#writable = true;
    } catch (error) {
      this.#writable = false;
      // A full disk or an I/O error: the event cannot be kept, say so.
      this.#options.onDropped?.('journal_io', 1);
      this.#log.error({ err: (error as Error).message }, 'Kafka journal write failed; event not accepted');
      return;
    }
    if (appended) this.#options.onJournaled?.();
    else {
      this.#options.onDropped?.('journal_full', 1);
      if (!this.#full) this.#log.error({ bytes: this.#journal.bytes, limit: this.#options.journal.maxBytes }, 'Kafka journal full: refusing new events (whenFull: rejectNew)');
      this.#setFull(true);
    }
    this.#report();
    if (this.state === 'ready') this.#schedule(this.#options.lingerMs);
  }

  /** Sends what it can within timeoutMs, then disconnects; whatever is left stays in the journal. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.state === 'closed') return;
    const deadline = Date.now() + timeoutMs;
    this.#clearTimer();
    while (this.#journal.pending > 0 && this.state === 'ready' && Date.now() < deadline) {
      await this.#flush().catch(() => undefined);
    }
    if (this.#journal.pending > 0) this.#log.warn({ undelivered: this.#journal.pending }, 'Kafka sink closed with undelivered events; they stay in the journal for the next start');
    this.#state.set('closed');
    this.#clearTimer();
    await this.#sending?.catch(() => undefined);
    this.#journal.close();
    await this.#producer.disconnect().catch(() => undefined);
  }

  destroy(): void {
    this.#clearTimer();
    this.#state.set('closed');
    this.#journal.close();
    void this.#producer.disconnect().catch(() => undefined);
  }

  #setFull(full: boolean): void {
    if (this.#full === full) return;
    this.#full = full;
    if (!full) this.#log.warn({ bytes: this.#journal.bytes }, 'Kafka journal has room again');
  }

  #report(): void {
    if (this.#full && this.#journal.bytes < this.#options.journal.maxBytes * 0.9) this.#setFull(false);
    this.#options.onJournal?.(this.#journal.pending, this.#journal.bytes, this.#full);
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
        this.#state.set('ready');
        this.#log.info({ brokers: this.#options.brokers, topic: this.#options.topic, backlog: this.#journal.pending }, 'Kafka producer connected');
      }
      await this.#flush();
      this.#failures = 0;
      if (this.#journal.pending > 0) this.#schedule(0);
    } catch (error) {
      if ((this.state as KafkaSinkState) === 'closed') return;
      this.#options.onSendFailed?.();
      const delay = backoffDelay({ baseMs: 250, maxMs: 10_000 }, this.#failures++);
      const reason = new VigilError('VIGIL_ERR_KAFKA_UNAVAILABLE', (error as Error).message);
      this.#log.warn({ err: reason.message, backlog: this.#journal.pending, retryInMs: delay }, 'Kafka unavailable; events wait in the journal');
      this.#state.set('retrying', reason.message);
      this.#schedule(delay);
    }
  }

  /** Sends one batch from the head of the journal; the cursor moves only on acknowledgement. */
  async #flush(): Promise<void> {
    if (this.#sending) return this.#sending;
    const batch = this.#journal.peek(Math.min(BATCH_EVENTS, this.#options.maxBatchEvents), BATCH_BYTES);
    if (batch.length === 0) return;
    this.#sending = this.#send(batch);
    try {
      await this.#sending;
    } finally {
      this.#sending = null;
    }
  }

  async #send(batch: JournalEntry[]): Promise<void> {
    // Headers come from the attributes journaled beside each event; only records from before they
    // were journaled (a journal left by an older version) are parsed.
    const messages = batch.map((entry) => kafkaMessage(entry.attributes ? attributesFrom(entry.attributes) : attributesOf(JSON.parse(entry.json) as CloudEvent), entry.json));
    await this.#producer.send(this.#options.topic, messages);
    this.#journal.ack(batch[batch.length - 1] as JournalEntry);
    this.#options.onDelivered?.(batch.map((entry) => entry.acceptedAt));
    this.#report();
  }
}
