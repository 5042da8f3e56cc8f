import type { Agent } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { asVigilError } from '../errors';
import { Journal, buildFilter, matches, type CloudEvent, type EventFilter, type JournalEntry, type PublishedEvent } from '../events';
import { StateHolder, type Component } from '../lifecycle';
import { httpMessage } from './cloudevents-http';
import { judge, retryDelay } from './delivery-policy';
import { post, webhookAgent } from './http-client';
import { lanesOf, runLanes } from './lanes';
import { ParkedEvents } from './parked';
import { signatureHeaders, signingKey } from './signature';
import { redactWebhookUrl } from './target';
import type { WebhookDetail, WebhookHooks, WebhookSpec, WebhookState, WebhookView } from './types';

/** Events read from the journal at a time; their cameras are delivered side by side. */
const WINDOW_EVENTS = 256;
const WINDOW_BYTES = 1024 * 1024;
const USER_AGENT = 'vigil-webhooks/1';

interface Item {
  readonly entry: JournalEntry;
  readonly event: CloudEvent | null;
  readonly index: number;
}

/** The filter of a webhook's `types` and `cameras` (validated by the config schema already). */
export function webhookFilter(spec: { types?: readonly string[] | undefined; cameras?: readonly string[] | undefined }): EventFilter {
  const result = buildFilter({ ...(spec.types && { type: spec.types }), ...(spec.cameras && { camera: spec.cameras }) });
  if (!result.ok) throw new Error(result.error);
  return result.filter;
}

/**
 * One webhook: its own journal (`<dataDir>/webhooks/<id>/`), its own delivery loop, its own
 * connections. `accept` only appends to the journal (synchronous, never waits on the network), so
 * a receiver that is slow or down backs up this journal and nothing else. The loop reads a window
 * of events, delivers each camera's events in order (cameras side by side), retries an event until
 * the receiver takes it or refuses it (parked), and moves the journal's cursor over the delivered
 * prefix, so a restart resumes where delivery stopped (at least once: deduplicate on webhook-id).
 */
export class WebhookDelivery implements Component<WebhookState> {
  readonly name: string;
  readonly spec: WebhookSpec;
  readonly dir: string;
  readonly #state = new StateHolder<WebhookState>('idle');
  readonly #journal: Journal;
  readonly #parked: ParkedEvents;
  readonly #filter: EventFilter;
  readonly #key: Buffer;
  readonly #url: URL;
  readonly #agent: Agent;
  readonly #hooks: WebhookHooks;
  readonly #log: Logger;
  /** Stops waiting (idle, backoff) at once; requests in flight are cancelled separately, at the close deadline. */
  readonly #stop = new AbortController();
  readonly #cancel = new AbortController();
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #failures = 0;
  #delivered = 0;
  #failedAttempts = 0;
  #lastError: WebhookView['lastError'] = null;
  #lastDeliveredAt: string | null = null;

  constructor(spec: WebhookSpec, options: { dataDir: string; logger: Logger; hooks?: WebhookHooks }) {
    this.spec = spec;
    this.name = `webhook:${spec.id}`;
    this.dir = join(options.dataDir, 'webhooks', spec.id);
    this.#hooks = options.hooks ?? {};
    this.#log = options.logger.child({ component: 'webhook', webhook: spec.id });
    this.#filter = webhookFilter(spec);
    this.#key = signingKey(spec.secret.reveal());
    this.#url = new URL(spec.url);
    this.#agent = webhookAgent(this.#url, spec.concurrency);
    this.#parked = new ParkedEvents(this.dir, spec.maxParked);
    this.#journal = new Journal({
      ...spec.journal,
      dir: this.dir,
      onDropped: (reason, count, detail) => {
        if (count > 0) this.#hooks.onDropped?.(spec.id, reason, count);
        this.#log.error({ reason, dropped: count, detail }, reason === 'journal_full' ? 'webhook journal full: dropped the oldest undelivered events' : 'webhook journal damaged');
      },
    });
  }

  get state(): WebhookState {
    return this.#state.state;
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    let waiting: number;
    try {
      waiting = this.#journal.open();
      this.#parked.load();
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_JOURNAL_IO', { webhook: this.spec.id });
    }
    if (waiting > 0) this.#log.info({ events: waiting }, 'webhook journal holds undelivered events; delivering them first');
    this.#state.set('delivering');
    this.#report();
    this.#loop = this.#run();
  }

  /** Takes an event if the webhook's filter matches: one journal append, nothing else. Never throws. */
  accept(published: PublishedEvent): void {
    if (!matches(this.#filter, published.event)) return;
    if (this.state === 'closed' || this.state === 'idle') {
      this.#hooks.onDropped?.(this.spec.id, 'closed', 1);
      return;
    }
    let appended: boolean;
    try {
      appended = this.#journal.append(published.acceptedAt, published.json);
    } catch (error) {
      this.#hooks.onDropped?.(this.spec.id, 'journal_io', 1);
      this.#log.error({ err: (error as Error).message }, 'webhook journal write failed; event not accepted');
      return;
    }
    if (!appended) this.#hooks.onDropped?.(this.spec.id, 'journal_full', 1);
    this.#report();
    this.#wake?.();
  }

  view(): WebhookView {
    const { id, url, origin, mode, types, cameras, allowPrivateTargets } = this.spec;
    return {
      id, url: redactWebhookUrl(url), origin, mode, types: types ?? null, cameras: cameras ?? null, allowPrivateTargets,
      state: this.state, pending: this.#journal.pending, journalBytes: this.#journal.bytes,
      delivered: this.#delivered, failedAttempts: this.#failedAttempts, parked: this.#parked.total,
      lastError: this.#lastError, lastDeliveredAt: this.#lastDeliveredAt,
    };
  }

  detail(): WebhookDetail {
    return { ...this.view(), parkedEvents: [...this.#parked.items] };
  }

  /** Lets requests in flight finish until the deadline, then cancels them; undelivered events stay in the journal. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.state === 'closed') return;
    this.#stop.abort();
    this.#wake?.();
    if (this.#loop) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([this.#loop, deadline]);
      clearTimeout(timer);
      this.#cancel.abort();
      await this.#loop;
    }
    this.#finish();
  }

  destroy(): void {
    this.#stop.abort();
    this.#cancel.abort();
    this.#wake?.();
    this.#finish();
  }

  #finish(): void {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    if (this.#journal.pending > 0) this.#log.info({ undelivered: this.#journal.pending }, 'webhook closed with undelivered events; they stay in its journal');
    this.#journal.close();
    this.#agent.destroy();
  }

  #report(): void {
    this.#hooks.onJournal?.(this.spec.id, this.#journal.pending, this.#journal.bytes);
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      const window = this.#journal.peek(WINDOW_EVENTS, WINDOW_BYTES);
      if (window.length === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          if (this.#stop.signal.aborted) resolve();
        });
        this.#wake = null;
        continue;
      }
      try {
        await this.#deliverWindow(window);
      } catch (error) {
        // A bug, not a receiver problem: say so, and try again later rather than stop delivering.
        this.#log.error({ err: (error as Error).message }, 'webhook delivery loop failed; retrying');
        await this.#sleep(this.spec.retryDelayMaxMs);
      }
    }
  }

  async #deliverWindow(window: JournalEntry[]): Promise<void> {
    const items: Item[] = window.map((entry, index) => ({ entry, index, event: parseEvent(entry.json) }));
    const done = new Array<boolean>(window.length).fill(false);
    let acked = 0;
    await runLanes(lanesOf(items, (item) => item.event?.subject ?? ''), this.spec.concurrency, async (item) => {
      if (!(await this.#deliver(item))) return false;
      done[item.index] = true;
      let last: JournalEntry | null = null;
      while (acked < window.length && done[acked]) last = window[acked++] ?? null;
      if (last) {
        this.#journal.ack(last);
        this.#report();
      }
      return true;
    });
  }

  /** Delivers one event, retrying until the receiver takes or refuses it. False: stopped first. */
  async #deliver(item: Item): Promise<boolean> {
    const { event, entry } = item;
    if (!event) {
      this.#log.error({ index: entry.index }, 'unreadable event in the webhook journal; skipped');
      return true;
    }
    const message = httpMessage(event, entry.json, this.spec.mode);
    while (!this.#stop.signal.aborted) {
      const timestamp = Math.floor(Date.now() / 1000);
      const started = performance.now();
      const result = await post({
        url: this.#url,
        headers: { ...message.headers, ...signatureHeaders(this.#key, event.id, timestamp, message.body), 'user-agent': USER_AGENT },
        body: message.body,
        timeoutMs: this.spec.timeoutMs,
        allowPrivateTargets: this.spec.allowPrivateTargets,
        agent: this.#agent,
        signal: this.#cancel.signal,
      });
      const seconds = (performance.now() - started) / 1000;
      const verdict = judge(result, Date.now());
      if (verdict.kind === 'delivered') {
        if (this.#failures > 0) this.#log.info({ failedAttempts: this.#failures }, 'webhook receiver answering again');
        this.#failures = 0;
        this.#delivered++;
        this.#lastDeliveredAt = new Date().toISOString();
        this.#state.set('delivering');
        this.#hooks.onAttempt?.(this.spec.id, 'delivered', seconds);
        this.#hooks.onDelivered?.(this.spec.id, entry.acceptedAt);
        return true;
      }
      if (verdict.kind === 'park') {
        const status = result.kind === 'response' ? result.status : null;
        this.#parked.add(event, entry.json, status, verdict.reason, Date.now());
        this.#lastError = { code: 'VIGIL_ERR_WEBHOOK_REFUSED', message: `event ${event.id} parked: ${verdict.reason}`, at: new Date().toISOString() };
        this.#hooks.onAttempt?.(this.spec.id, 'parked', seconds);
        this.#log.warn({ event: event.id, type: event.type, camera: event.subject, reason: verdict.reason }, 'webhook receiver refused an event; parked');
        return true;
      }
      if (this.#cancel.signal.aborted) return false;
      this.#failures++;
      this.#failedAttempts++;
      const code = result.kind === 'error' && result.code === 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED' ? result.code : 'VIGIL_ERR_WEBHOOK_UNREACHABLE';
      this.#lastError = { code, message: verdict.reason, at: new Date().toISOString() };
      this.#state.set('retrying', verdict.reason);
      this.#hooks.onAttempt?.(this.spec.id, 'retry', seconds);
      const delay = retryDelay({ baseMs: this.spec.retryDelayMs, maxMs: this.spec.retryDelayMaxMs }, this.#failures, verdict.retryAfterMs);
      // One warning per outage, not one per attempt.
      this.#log[this.#failures === 1 ? 'warn' : 'debug']({ reason: verdict.reason, backlog: this.#journal.pending, retryInMs: delay }, 'webhook delivery failed; events wait in the journal');
      await this.#sleep(delay);
    }
    return false;
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#stop.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function parseEvent(json: string): CloudEvent | null {
  try {
    return JSON.parse(json) as CloudEvent;
  } catch {
    return null;
  }
}
