import type { Logger } from 'pino';
import type { Config } from '../config';
import type { EventBus } from '../events';
import { MqttSink } from '../mqtt';
import { mqttMetrics, webhookMetrics, type ComponentReadiness, type Metrics } from '../observability';
import { WebhookDispatcher, WebhookService, type WebhookStore } from '../webhooks';

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
 * The two ways out besides WebSocket and Kafka: webhooks (src/webhooks) and MQTT (src/mqtt).
 * Builds them, adds them to the bus, plugs their callbacks into the metrics, and gives the
 * composition root one start/close/destroy and one readiness entry.
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
      hooks: webhookMetrics(metrics),
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
          ...mqttMetrics(metrics),
        })
      : null;
    options.bus.addSink(this.webhooks);
    if (this.mqtt) options.bus.addSink(this.mqtt);
  }

  /** What the API's webhook routes use. */
  get webhookControl(): WebhookService {
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
