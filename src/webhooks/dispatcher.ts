import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { VigilError } from '../errors';
import type { EventSink, PublishedEvent } from '../events';
import type { WebhookDetail, WebhookHooks, WebhookSpec, WebhookView } from './types';
import { WebhookDelivery } from './webhook';

export interface WebhookDispatcherOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  readonly hooks?: WebhookHooks;
}

/**
 * The event bus's one webhook sink: hands each event to every webhook (each keeps its own journal
 * and loop, so they never wait on each other) and holds the set of webhooks, which the API can
 * change while the gateway runs.
 */
export class WebhookDispatcher implements EventSink {
  readonly name = 'webhooks';
  readonly #options: WebhookDispatcherOptions;
  readonly #webhooks = new Map<string, WebhookDelivery>();
  #closed = false;

  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#webhooks.size;
  }

  has(id: string): boolean {
    return this.#webhooks.has(id);
  }

  publish(published: PublishedEvent): void {
    for (const webhook of this.#webhooks.values()) webhook.accept(published);
  }

  /** Starts delivering to a new webhook (its journal may hold events from an earlier run). */
  async add(spec: WebhookSpec): Promise<WebhookView> {
    if (this.#closed) throw new VigilError('VIGIL_ERR_NOT_READY', 'the gateway is stopping');
    if (this.#webhooks.has(spec.id)) throw new VigilError('VIGIL_ERR_WEBHOOK_EXISTS', `webhook "${spec.id}" exists`, { id: spec.id });
    const webhook = new WebhookDelivery(spec, this.#options);
    await webhook.start();
    this.#webhooks.set(spec.id, webhook);
    this.#options.logger.info({ webhook: spec.id, origin: spec.origin, url: webhook.view().url, pending: webhook.view().pending }, 'webhook delivering');
    return webhook.view();
  }

  /** Stops a webhook and deletes its journal and parked events: what it had not delivered is gone. */
  async remove(id: string): Promise<void> {
    const webhook = this.#webhooks.get(id);
    if (!webhook) throw new VigilError('VIGIL_ERR_WEBHOOK_NOT_FOUND', `no webhook "${id}"`, { id });
    this.#webhooks.delete(id);
    await webhook.close(1000);
    rmSync(webhook.dir, { recursive: true, force: true });
    this.#options.hooks?.onRemoved?.(id);
  }

  views(): WebhookView[] {
    return [...this.#webhooks.values()].map((w) => w.view());
  }

  detail(id: string): WebhookDetail {
    const webhook = this.#webhooks.get(id);
    if (!webhook) throw new VigilError('VIGIL_ERR_WEBHOOK_NOT_FOUND', `no webhook "${id}"`, { id });
    return webhook.detail();
  }

  /** Every webhook gets the same deadline; they close side by side. */
  async close(timeoutMs = 5000): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#webhooks.values()].map((w) => w.close(timeoutMs)));
  }

  destroy(): void {
    this.#closed = true;
    for (const webhook of this.#webhooks.values()) webhook.destroy();
  }
}
