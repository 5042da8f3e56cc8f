import { join } from 'node:path';
import type { Logger } from 'pino';
import type { MqttConfig } from '../config';
import { asVigilError } from '../errors';
import { Journal, buildFilter, matches, type CloudEvent, type EventFilter, type EventSink, type JournalEntry, type PublishedEvent } from '../events';
import { StateHolder, backoffDelay, type Component } from '../lifecycle';
import { discoveryMessages, type DiscoveryCamera } from './discovery';
import { MqttConnection } from './mqtt-client';
import { OFFLINE, ONLINE, availabilityOf, cameraAvailabilityTopic, gatewayAvailabilityTopic, homeAssistantStatusTopic, publishesFor, type Publish, type TopicLayout } from './topics';

export type MqttSinkState = 'idle' | 'connecting' | 'connected' | 'retrying' | 'closed';

export interface MqttSinkOptions {
  readonly config: MqttConfig;
  readonly instanceId: string;
  readonly dataDir: string;
  readonly version: string;
  readonly logger: Logger;
  /** The cameras now (id, name, state), announced to Home Assistant on every connect. */
  readonly cameras: () => readonly (DiscoveryCamera & { readonly state: string })[];
  readonly onDelivered?: (acceptedAt: readonly number[]) => void;
  readonly onDropped?: (reason: string, count: number) => void;
  readonly onJournal?: (pending: number, bytes: number) => void;
  readonly onConnectFailed?: () => void;
  readonly onState?: (state: MqttSinkState) => void;
}

/**
 * Publishes events to an MQTT broker through a write-ahead journal (`<dataDir>/mqtt-journal/`),
 * like the Kafka sink: `publish` appends (matching the `types`/`cameras` filter), one loop sends
 * the journal in order with QoS 1 and moves the cursor only when every PUBACK of a batch is in.
 * The broker being down only lets the journal grow (bounded); reconnects back off; what waited is
 * sent first. The gateway's availability topic is retained, set offline by the last will.
 */
export class MqttSink implements Component<MqttSinkState>, EventSink {
  readonly name = 'mqtt';
  readonly #options: MqttSinkOptions;
  readonly #layout: TopicLayout;
  readonly #state = new StateHolder<MqttSinkState>('idle');
  readonly #journal: Journal;
  readonly #filter: EventFilter;
  readonly #log: Logger;
  readonly #stop = new AbortController();
  /** Cameras already announced to Home Assistant on this connection. */
  readonly #announced = new Set<string>();
  /** Every camera seen (registry or events), with its name when known: what discovery announces. */
  readonly #known = new Map<string, string | null>();
  #rediscover = false;
  #connection: MqttConnection | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #failures = 0;

  constructor(options: MqttSinkOptions) {
    this.#options = options;
    const { config } = options;
    this.#log = options.logger.child({ component: 'mqtt' });
    this.#layout = { prefix: config.topicPrefix, instance: options.instanceId, discoveryPrefix: config.homeAssistant.discoveryPrefix };
    const filter = buildFilter({ ...(config.types && { type: config.types }), ...(config.cameras && { camera: config.cameras }) });
    if (!filter.ok) throw new Error(filter.error);
    this.#filter = filter.filter;
    this.#journal = new Journal({
      ...config.journal,
      dir: join(options.dataDir, 'mqtt-journal'),
      onDropped: (reason, count, detail) => {
        if (count > 0) options.onDropped?.(reason, count);
        this.#log.error({ reason, dropped: count, detail }, reason === 'journal_full' ? 'MQTT journal full: dropped the oldest undelivered events' : 'MQTT journal damaged');
      },
    });
    this.#state.onChange((change) => options.onState?.(change.to));
  }

  get state(): MqttSinkState {
    return this.#state.state;
  }

  get queued(): number {
    return this.#journal.pending;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    let waiting: number;
    try {
      waiting = this.#journal.open();
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_JOURNAL_IO', { sink: 'mqtt' });
    }
    if (waiting > 0) this.#log.info({ events: waiting }, 'MQTT journal holds undelivered events; publishing them first');
    this.#state.set('connecting');
    this.#report();
    this.#loop = this.#run();
  }

  publish(published: PublishedEvent): void {
    if (!matches(this.#filter, published.event)) return;
    if (this.state === 'closed' || this.state === 'idle') {
      this.#options.onDropped?.('closed', 1);
      return;
    }
    let appended: boolean;
    try {
      appended = this.#journal.append(published.acceptedAt, published.json);
    } catch (error) {
      this.#options.onDropped?.('journal_io', 1);
      this.#log.error({ err: (error as Error).message }, 'MQTT journal write failed; event not accepted');
      return;
    }
    if (!appended) this.#options.onDropped?.('journal_full', 1);
    this.#report();
    this.#wake?.();
  }

  /** Publishes what it can within timeoutMs, marks the gateway offline, disconnects; the rest stays in the journal. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.state === 'closed') return;
    const deadline = Date.now() + timeoutMs;
    while (this.#journal.pending > 0 && this.#connection?.connected && Date.now() < deadline) await delay(20);
    this.#stop.abort();
    this.#wake?.();
    const connection = this.#connection;
    if (this.#loop) await Promise.race([this.#loop, delay(Math.max(0, deadline - Date.now()))]);
    if (connection?.connected) {
      await Promise.race([connection.publish(gatewayAvailabilityTopic(this.#layout), OFFLINE, { retain: true }).catch(() => undefined), delay(1000)]);
      await connection.end(1000);
    } else connection?.destroy();
    await this.#loop;
    if (this.#journal.pending > 0) this.#log.warn({ undelivered: this.#journal.pending }, 'MQTT sink closed with undelivered events; they stay in the journal for the next start');
    this.#finish();
  }

  /** Drops the connection without a DISCONNECT: the broker publishes the gateway's last will (offline). */
  destroy(): void {
    this.#stop.abort();
    this.#wake?.();
    this.#connection?.destroy();
    this.#finish();
  }

  #finish(): void {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    this.#journal.close();
  }

  #report(): void {
    this.#options.onJournal?.(this.#journal.pending, this.#journal.bytes);
  }

  async #run(): Promise<void> {
    const { config } = this.#options;
    while (!this.#stop.signal.aborted) {
      if (!this.#connection?.connected) {
        if (await this.#connect()) continue;
        this.#options.onConnectFailed?.();
        const wait = backoffDelay({ baseMs: config.reconnectDelayMs, maxMs: config.reconnectDelayMaxMs }, this.#failures++);
        this.#state.set('retrying');
        await this.#idle(wait, false);
        continue;
      }
      if (this.#rediscover) {
        this.#rediscover = false;
        await this.#publishAll(this.#connection, this.#announceKnown()).catch(() => (this.#rediscover = true));
        continue;
      }
      const batch = this.#journal.peek(config.maxInFlight, 1024 * 1024);
      if (batch.length === 0) {
        await this.#idle(null, true);
        continue;
      }
      try {
        await this.#send(this.#connection, batch);
      } catch (error) {
        if (!this.#stop.signal.aborted) this.#log.warn({ err: (error as Error).message, backlog: this.#journal.pending }, 'MQTT publish interrupted; events wait in the journal');
      }
    }
  }

  /** Opens a connection, announces the gateway and its cameras. False if the broker could not be reached. */
  async #connect(): Promise<boolean> {
    const { config, instanceId } = this.#options;
    this.#state.set('connecting');
    const connection = MqttConnection.open({
      url: config.url,
      clientId: config.clientId ?? `vigil-${instanceId}`,
      username: config.username,
      password: config.password?.reveal(),
      keepaliveS: config.keepaliveS,
      connectTimeoutMs: config.connectTimeoutMs,
      will: { topic: gatewayAvailabilityTopic(this.#layout), payload: OFFLINE, retain: true },
    });
    this.#connection = connection;
    const signal = this.#stop.signal;
    let stopped: () => void = () => undefined;
    const opened = await new Promise<string | null>((resolve) => {
      stopped = () => resolve('closing');
      connection.once('connect', () => resolve(null));
      connection.once('close', (reason) => resolve(reason));
      if (signal.aborted) stopped();
      else signal.addEventListener('abort', stopped, { once: true });
    });
    signal.removeEventListener('abort', stopped);
    connection.removeAllListeners();
    if (opened !== null) {
      connection.destroy();
      if (this.#failures === 0) this.#log.warn({ url: config.url, reason: opened }, 'MQTT broker unreachable; events wait in the journal');
      return false;
    }
    connection.on('close', (reason) => {
      if (this.#stop.signal.aborted) return;
      this.#log.warn({ reason, backlog: this.#journal.pending }, 'MQTT connection lost; reconnecting');
      this.#wake?.();
    });
    connection.on('message', (topic, payload) => {
      // Home Assistant restarted: it wants the discovery configs again.
      if (topic === homeAssistantStatusTopic(this.#layout) && payload.toString() === ONLINE) {
        this.#announced.clear();
        this.#rediscover = true;
        this.#wake?.();
      }
    });
    try {
      if (config.homeAssistant.discovery) await connection.subscribe(homeAssistantStatusTopic(this.#layout));
      this.#announced.clear();
      await connection.publish(gatewayAvailabilityTopic(this.#layout), ONLINE, { retain: true });
      const availability = this.#options.cameras().map((c) => ({ topic: cameraAvailabilityTopic(this.#layout, c.id), payload: availabilityOf(c.state), retain: true }));
      await this.#publishAll(connection, [...this.#announceKnown(), ...availability]);
    } catch (error) {
      connection.destroy();
      this.#log.warn({ err: (error as Error).message }, 'MQTT connection lost while announcing');
      return false;
    }
    if (this.#failures > 0) this.#log.info({ url: config.url, backlog: this.#journal.pending }, 'MQTT broker reachable again');
    else this.#log.info({ url: config.url, backlog: this.#journal.pending }, 'MQTT connected');
    this.#failures = 0;
    this.#state.set('connected');
    return true;
  }

  /** Discovery configs for every camera known (the registry's now, and those seen in events) not yet announced. */
  #announceKnown(): Publish[] {
    for (const camera of this.#options.cameras()) this.#known.set(camera.id, camera.name);
    return [...this.#known].flatMap(([id, name]) => this.#announce({ id, name }));
  }

  /** Discovery configs for a camera not yet announced on this connection (none when discovery is off). */
  #announce(camera: DiscoveryCamera): Publish[] {
    if (!this.#options.config.homeAssistant.discovery || this.#announced.has(camera.id)) return [];
    this.#announced.add(camera.id);
    return discoveryMessages(this.#layout, camera, this.#options.version);
  }

  async #send(connection: MqttConnection, batch: JournalEntry[]): Promise<void> {
    const publishes: Publish[] = [];
    for (const entry of batch) {
      const event = JSON.parse(entry.json) as CloudEvent;
      // The registry may have gained the camera since the connect announced what it had then.
      if (!this.#known.has(event.subject)) this.#known.set(event.subject, this.#options.cameras().find((c) => c.id === event.subject)?.name ?? null);
      const announced = this.#announce({ id: event.subject, name: this.#known.get(event.subject) ?? null });
      // A camera known only from its events (not in the registry): it is producing them, so available.
      if (announced.length > 0 && event.type !== 'vigil.camera.status') announced.push({ topic: cameraAvailabilityTopic(this.#layout, event.subject), payload: ONLINE, retain: true });
      publishes.push(...announced, ...publishesFor(this.#layout, event, entry.json));
    }
    await this.#publishAll(connection, publishes);
    this.#journal.ack(batch[batch.length - 1] as JournalEntry);
    this.#options.onDelivered?.(batch.map((e) => e.acceptedAt));
    this.#report();
  }

  /** All at once (mqtt.js writes them in order on the one socket; the broker keeps that order per topic). */
  async #publishAll(connection: MqttConnection, publishes: readonly Publish[]): Promise<void> {
    await Promise.all(publishes.map((p) => connection.publish(p.topic, p.payload, { retain: p.retain })));
  }

  /** Waits for a stop or `ms`, and if `wakeable` for an append or a lost connection too. */
  #idle(ms: number | null, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === null ? null : setTimeout(done, ms);
      const signal = this.#stop.signal;
      function done(): void {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      if (wakeable) {
        this.#wake = () => {
          this.#wake = null;
          done();
        };
      }
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
