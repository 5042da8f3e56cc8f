import { randomUUID } from 'node:crypto';
import type { CloudEvent, EventDraft } from './cloud-event';

/** An event serialised once, shared by every sink. */
export interface PublishedEvent {
  readonly event: CloudEvent;
  readonly json: string;
  /** When the bus accepted it (ms since the epoch), for delivery-latency metrics. */
  readonly acceptedAt: number;
  /** Cluster mode: this gateway's delivery number (events come from every gateway, so `sequence` is not monotonic here). */
  readonly position?: number;
  /** Cluster mode: where the event is in the events topic (what `vigilpos` says), for resuming on any gateway. */
  readonly cursor?: { readonly partition: number; readonly offset: number };
}

/** Somewhere events go: WebSocket subscribers, Kafka. `publish` must not block or throw. */
export interface EventSink {
  readonly name: string;
  publish(published: PublishedEvent): void;
}

/** A new random id for this gateway run (the `vigilrun` extension attribute). */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

/**
 * The point where an event is accepted: the bus gives it the next `sequence` of this run, stamps
 * the run id, serialises it once and hands it to every sink. Sequences have no holes: every
 * number is handed to every sink.
 */
export class EventBus {
  readonly run: string;
  readonly #sinks: EventSink[] = [];
  readonly #onPublished: ((sink: string, event: CloudEvent) => void) | undefined;
  #sequence = 0;

  constructor(onPublished?: (sink: string, event: CloudEvent) => void, run: string = newRunId()) {
    this.#onPublished = onPublished;
    this.run = run;
  }

  /** The last sequence handed out (0 before the first event). */
  get sequence(): number {
    return this.#sequence;
  }

  addSink(sink: EventSink): void {
    this.#sinks.push(sink);
  }

  publish(draft: EventDraft): CloudEvent {
    const event: CloudEvent = { ...draft, sequence: ++this.#sequence, vigilrun: this.run };
    const published: PublishedEvent = { event, json: JSON.stringify(event), acceptedAt: Date.now() };
    for (const sink of this.#sinks) {
      sink.publish(published);
      this.#onPublished?.(sink.name, event);
    }
    return event;
  }
}
