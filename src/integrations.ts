import type { Logger } from 'pino';
import type { ComponentReadiness, WebhookControl } from './api';
import type { Config } from './config';
import type { EventBus } from './events';
import { MqttSink } from './mqtt';
import type { Metrics } from './observability';
import { WebhookDispatcher, WebhookService, type WebhookStore } from './webhooks';

export interface IntegrationsOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly bus: EventBus;
  readonly version: string;
  /** The cameras now, for Home Assistant discovery and availability on every MQTT connect. */
  readonly cameras: () => readonly { id: string; name: string | null; state: string }[];
}

/**
 * Wiring of the two ways out besides WebSocket and Kafka: webhooks (src/webhooks) and MQTT
 * (src/mqtt). Builds them, adds them to the bus, connects their observers to the metrics, and
 * gives the composition root one start/close/destroy and one readiness entry. Part of the
 * composition root, kept apart so app.ts stays a few lines longer, not a screen.
 */
export class Integrations {
  readonly webhooks: WebhookDispatcher;
  readonly webhookService: WebhookService;
  readonly mqtt: MqttSink | null;
  readonly #config: Config;

  constructor(options: IntegrationsOptions) {
    const { config, logger, metrics } = options;
    this.#config = config;
    this.webhooks = new WebhookDispatcher({
      dataDir: config.env.dataDir,
      logger,
      hooks: {
        onAttempt: (webhook, result) => {
          metrics.webhookDeliveries.inc({ webhook, result });
          if (result === 'parked') metrics.webhookParked.inc({ webhook });
        },
        onDelivered: (webhook, acceptedAt) => metrics.webhookDeliverySeconds.observe({ webhook }, (Date.now() - acceptedAt) / 1000),
        onDropped: (_webhook, reason, count) => metrics.eventsFailed.inc({ sink: 'webhooks', reason }, count),
        onJournal: (webhook, pending, bytes) => {
          metrics.webhookQueued.set({ webhook }, pending);
          metrics.webhookJournalBytes.set({ webhook }, bytes);
        },
        onRemoved: (webhook) => void metrics.forgetWebhook(webhook),
      },
    });
    this.webhookService = new WebhookService({ dispatcher: this.webhooks, allowPrivateTargets: config.api.webhooksAllowPrivateTargets, logger });
    this.mqtt = config.mqtt
      ? new MqttSink({
          config: config.mqtt,
          instanceId: config.instanceId,
          dataDir: config.env.dataDir,
          version: options.version,
          logger,
          cameras: options.cameras,
          onDelivered: (acceptedAt) => {
            const now = Date.now();
            metrics.mqttDelivered.inc(acceptedAt.length);
            for (const at of acceptedAt) metrics.mqttDeliverySeconds.observe((now - at) / 1000);
          },
          onDropped: (reason, count) => metrics.eventsFailed.inc({ sink: 'mqtt', reason }, count),
          onJournal: (pending, bytes) => {
            metrics.mqttQueued.set(pending);
            metrics.mqttJournalBytes.set(bytes);
          },
          onConnectFailed: () => metrics.mqttConnectFailures.inc(),
          onState: (state) => metrics.mqttConnected.set(state === 'connected' ? 1 : 0),
        })
      : null;
    options.bus.addSink(this.webhooks);
    if (this.mqtt) options.bus.addSink(this.mqtt);
  }

  /** What the API's webhook routes use. */
  get webhookControl(): WebhookControl {
    return this.webhookService;
  }

  /** After the hub: streams.yaml webhooks, then stored API webhooks, then MQTT. */
  async start(store: WebhookStore | null): Promise<void> {
    await this.webhookService.start(this.#config.webhooks, store);
    await this.mqtt?.start();
  }

  /** Both get the same deadline; what is left stays in their journals. */
  async close(timeoutMs = 5000): Promise<void> {
    await Promise.all([this.webhooks.close(timeoutMs), this.mqtt?.close(timeoutMs)]);
  }

  destroy(): void {
    this.webhooks.destroy();
    this.mqtt?.destroy();
  }

  /** Informational: a receiver or broker being down never makes the gateway unready (events wait in journals). */
  readiness(): Record<string, ComponentReadiness> {
    const views = this.webhooks.views();
    return {
      webhooks: { ready: true, informational: true, configured: views.length, retrying: views.filter((v) => v.state === 'retrying').map((v) => v.id), pending: views.reduce((a, v) => a + v.pending, 0) },
      mqtt: this.mqtt ? { ready: true, informational: true, configured: true, state: this.mqtt.state, pending: this.mqtt.queued } : { ready: true, informational: true, configured: false },
    };
  }
}
