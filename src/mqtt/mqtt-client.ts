import { EventEmitter } from 'node:events';
import { connect, type MqttClient } from 'mqtt';

export interface MqttConnectionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly keepaliveS: number;
  readonly connectTimeoutMs: number;
  /** Published by the broker if this connection dies without a clean disconnect. */
  readonly will: { readonly topic: string; readonly payload: string; readonly retain: boolean };
}

export interface PublishOptions {
  readonly retain: boolean;
}

interface MqttConnectionEvents {
  connect: [];
  close: [reason: string];
  message: [topic: string, payload: Buffer];
}

/**
 * One connection to the broker (MQTT 3.1.1, clean session, QoS 1 publishes), and the one door to
 * mqtt.js. It never reconnects by itself: the sink decides when (with its backoff) and opens a new
 * one, so mqtt.js never holds messages of its own that would be resent behind the journal's back.
 * When the connection is lost, every publish still waiting for its PUBACK is rejected at once.
 */
export class MqttConnection extends EventEmitter<MqttConnectionEvents> {
  readonly #client: MqttClient;
  readonly #lost: Promise<never>;
  readonly #fail: (error: Error) => void;
  #reason = 'closed';
  #closed = false;

  private constructor(options: MqttConnectionOptions) {
    super();
    let fail: (error: Error) => void = () => undefined;
    this.#lost = new Promise<never>((_, reject) => (fail = reject));
    this.#lost.catch(() => undefined);
    this.#fail = fail;
    this.#client = connect(options.url, {
      clientId: options.clientId,
      ...(options.username !== undefined && { username: options.username }),
      ...(options.password !== undefined && { password: options.password }),
      protocolVersion: 4,
      clean: true,
      keepalive: options.keepaliveS,
      connectTimeout: options.connectTimeoutMs,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: options.will.retain },
    });
    this.#client.on('connect', () => {
      // Small QoS 1 packets each waiting for an answer: Nagle's algorithm would hold them ~40 ms (measured in loadtest/delivery-bench).
      (this.#client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      this.emit('connect');
    });
    this.#client.on('error', (error) => (this.#reason = error.message));
    this.#client.on('message', (topic, payload) => this.emit('message', topic, payload));
    this.#client.on('close', () => {
      if (this.#closed) return;
      this.#closed = true;
      fail(new Error(`MQTT connection lost: ${this.#reason}`));
      // Drop mqtt.js's own copies of unacknowledged messages: the journal resends them.
      this.#client.end(true);
      this.emit('close', this.#reason);
    });
  }

  static open(options: MqttConnectionOptions): MqttConnection {
    return new MqttConnection(options);
  }

  get connected(): boolean {
    return this.#client.connected && !this.#closed;
  }

  /** Resolves on the broker's PUBACK (QoS 1); rejects if the connection is lost first. */
  async publish(topic: string, payload: string | Buffer, options: PublishOptions): Promise<void> {
    if (!this.connected) throw new Error('MQTT connection is not open');
    await Promise.race([this.#client.publishAsync(topic, payload, { qos: 1, retain: options.retain }), this.#lost]);
  }

  async subscribe(topic: string): Promise<void> {
    await Promise.race([this.#client.subscribeAsync(topic, { qos: 1 }), this.#lost]);
  }

  /** A clean DISCONNECT (the broker does not publish the will), bounded in time; then the socket is dropped. */
  async end(timeoutMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.#client.endAsync(false).catch(() => undefined), deadline]);
    clearTimeout(timer);
    this.#client.end(true);
  }

  /** Drops the socket without a DISCONNECT: the broker publishes the will (as if the process died). */
  destroy(): void {
    this.#closed = true;
    this.#fail(new Error('MQTT connection destroyed'));
    this.#client.end(true);
  }
}
