import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An event the receiver refused (4xx other than 408/429, or a redirect), kept aside with the reason. */
export interface ParkedEvent {
  /** The CloudEvent id: also the `webhook-id` header, the receiver's idempotency key. */
  readonly id: string;
  readonly sequence: number;
  readonly type: string;
  readonly camera: string;
  /** HTTP status, when there was one. */
  readonly status: number | null;
  readonly reason: string;
  readonly parkedAt: string;
  /** The event as it would have been delivered. */
  readonly event: unknown;
}

/** Bytes of event JSON kept per parked event; a larger event keeps its attributes, not its data. */
const MAX_EVENT_BYTES = 16 * 1024;

/**
 * The parked events of one webhook: the newest `max` in memory and in `parked.json` next to its
 * journal (0600, rewritten with a rename, so a crash leaves the old or the new file). Parking is
 * rare (a receiver refusing events), so a rewrite per park costs nothing worth optimising.
 */
export class ParkedEvents {
  readonly #path: string;
  readonly #max: number;
  #items: ParkedEvent[] = [];
  #total = 0;

  constructor(dir: string, max: number) {
    this.#path = join(dir, 'parked.json');
    this.#max = max;
  }

  /** Parked since the webhook was created (survives restarts). */
  get total(): number {
    return this.#total;
  }

  get items(): readonly ParkedEvent[] {
    return this.#items;
  }

  load(): void {
    try {
      const saved = JSON.parse(readFileSync(this.#path, 'utf8')) as { total?: unknown; items?: unknown };
      if (Array.isArray(saved.items)) this.#items = (saved.items as ParkedEvent[]).slice(-this.#max);
      if (typeof saved.total === 'number') this.#total = saved.total;
    } catch {
      // None yet, or unreadable: start empty (the journal, not this file, holds undelivered events).
    }
  }

  add(event: { id: string; sequence: number; type: string; subject: string }, json: string, status: number | null, reason: string, at: number): ParkedEvent {
    const kept = Buffer.byteLength(json) <= MAX_EVENT_BYTES ? (JSON.parse(json) as unknown) : { ...event, data: '(omitted: larger than 16 KiB)' };
    const parked: ParkedEvent = { id: event.id, sequence: event.sequence, type: event.type, camera: event.subject, status, reason, parkedAt: new Date(at).toISOString(), event: kept };
    this.#items.push(parked);
    if (this.#items.length > this.#max) this.#items.splice(0, this.#items.length - this.#max);
    this.#total++;
    writeFileSync(`${this.#path}.tmp`, JSON.stringify({ total: this.#total, items: this.#items }), { mode: 0o600 });
    renameSync(`${this.#path}.tmp`, this.#path);
    return parked;
  }
}
