import type { CloudEvent } from './cloud-event';

/** An event serialised once, shared by every sink. */
export interface PublishedEvent {
  readonly event: CloudEvent;
  readonly json: string;
}

/** Somewhere events go: WebSocket subscribers, Kafka. `publish` must not block or throw. */
export interface EventSink {
  readonly name: string;
  publish(published: PublishedEvent): void;
}

/** Fans every event out to all sinks. Serialises each event once, whatever the number of sinks. */
export class EventBus {
  readonly #sinks: EventSink[] = [];
  readonly #onPublished: ((sink: string, event: CloudEvent) => void) | undefined;

  constructor(onPublished?: (sink: string, event: CloudEvent) => void) {
    this.#onPublished = onPublished;
  }

  addSink(sink: EventSink): void {
    this.#sinks.push(sink);
  }

  publish(event: CloudEvent): void {
    const published: PublishedEvent = { event, json: JSON.stringify(event) };
    for (const sink of this.#sinks) {
      sink.publish(published);
      this.#onPublished?.(sink.name, event);
    }
  }
}
