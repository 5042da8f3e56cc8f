import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { describeIssues, webhookSchema, type WebhookConfig } from '../config';
import { VigilError } from '../errors';
import type { WebhookDispatcher } from './dispatcher';
import { checkTarget } from './target';
import type { WebhookDetail, WebhookView } from './types';

/** Where webhooks added through the API are kept (control.db's `webhooks` table). */
export interface WebhookStore {
  webhooks(): { id: string; config: Record<string, unknown> }[];
  insertWebhook(id: string, config: Record<string, unknown>): boolean;
  deleteWebhook(id: string): boolean;
}

export interface WebhookServiceOptions {
  readonly dispatcher: WebhookDispatcher;
  /** api.webhooksAllowPrivateTargets: applies to every API webhook, stored ones included, at each start. */
  readonly allowPrivateTargets: boolean;
  readonly logger: Logger;
}

/**
 * Webhooks from the streams file and from the API, one set. The file is the declarative base and
 * wins over the API for the same id; API webhooks are stored (secret included: signing needs it;
 * control.db is 0600) and come back after a restart. The API's answers never carry a secret,
 * except the one generated for a new webhook, once.
 */
export class WebhookService {
  readonly #options: WebhookServiceOptions;
  #store: WebhookStore | null = null;
  readonly #fileIds = new Set<string>();

  constructor(options: WebhookServiceOptions) {
    this.#options = options;
  }

  async start(file: readonly WebhookConfig[], store: WebhookStore | null): Promise<void> {
    this.#store = store;
    for (const spec of file) {
      this.#fileIds.add(spec.id);
      await this.#options.dispatcher.add({ ...spec, origin: 'config' });
    }
    for (const stored of store?.webhooks() ?? []) {
      if (this.#fileIds.has(stored.id)) {
        this.#options.logger.warn({ webhook: stored.id }, 'an API webhook has the id of a streams.yaml webhook: the file wins; the stored one stays stored');
        continue;
      }
      const parsed = webhookSchema.safeParse({ ...stored.config, id: stored.id, allowPrivateTargets: this.#options.allowPrivateTargets });
      if (!parsed.success) {
        this.#options.logger.error({ webhook: stored.id, issues: describeIssues(parsed.error.issues) }, 'stored webhook no longer validates; not started');
        continue;
      }
      await this.#options.dispatcher.add({ ...parsed.data, origin: 'api' });
    }
  }

  list(): WebhookView[] {
    return this.#options.dispatcher.views();
  }

  get(id: string): WebhookDetail {
    return this.#options.dispatcher.detail(id);
  }

  async create(input: Record<string, unknown>): Promise<WebhookView & { secret?: string }> {
    const store = this.#store;
    if (!store) throw new VigilError('VIGIL_ERR_NOT_READY', 'the control database is not open yet');
    const generated = input.secret === undefined ? `whsec_${randomBytes(32).toString('base64')}` : undefined;
    const id = typeof input.id === 'string' ? input.id : `wh_${randomBytes(6).toString('hex')}`;
    const config = { ...input, id, ...(generated && { secret: generated }) };
    const parsed = webhookSchema.safeParse({ ...config, allowPrivateTargets: this.#options.allowPrivateTargets });
    if (!parsed.success) {
      const lines = describeIssues(parsed.error.issues);
      const urlIssue = parsed.error.issues.find((i) => i.path[0] === 'url');
      throw new VigilError(urlIssue ? 'VIGIL_ERR_WEBHOOK_URL' : 'VIGIL_ERR_BAD_REQUEST', lines.join('; '), { fields: lines.join('; ') });
    }
    await checkTarget(parsed.data.url, this.#options.allowPrivateTargets);
    if (this.#fileIds.has(id) || this.#options.dispatcher.has(id)) throw new VigilError('VIGIL_ERR_WEBHOOK_EXISTS', `webhook "${id}" exists`, { id });
    const { id: _id, ...stored } = config;
    if (!store.insertWebhook(id, stored)) throw new VigilError('VIGIL_ERR_WEBHOOK_EXISTS', `webhook "${id}" exists`, { id });
    try {
      const view = await this.#options.dispatcher.add({ ...parsed.data, origin: 'api' });
      return generated ? { ...view, secret: generated } : view;
    } catch (error) {
      store.deleteWebhook(id);
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    const store = this.#store;
    if (!store) throw new VigilError('VIGIL_ERR_NOT_READY', 'the control database is not open yet');
    if (this.#fileIds.has(id)) throw new VigilError('VIGIL_ERR_WEBHOOK_CONFIG_OWNED', undefined, { id });
    if (!this.#options.dispatcher.has(id)) throw new VigilError('VIGIL_ERR_WEBHOOK_NOT_FOUND', `no webhook "${id}"`, { id });
    store.deleteWebhook(id);
    await this.#options.dispatcher.remove(id);
  }
}
