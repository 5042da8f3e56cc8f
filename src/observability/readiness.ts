import { accessSync, constants } from 'node:fs';

/** One component's part of `/readyz`. */
export interface ComponentReadiness {
  readonly ready: boolean;
  readonly [detail: string]: unknown;
}

export interface ReadinessInput {
  readonly poolState: string;
  readonly dataDir: string;
  /** Whether the control database takes writes (null before it is open). */
  readonly storeWritable: (() => boolean) | null;
  readonly galleryOpen: boolean;
  /** null when Kafka is not configured. */
  readonly kafka: KafkaReadinessInput | null;
  /** What the inference pool runs on (execution provider, workers, batch limits), shown under `models`. */
  readonly inference?: Readonly<Record<string, unknown>>;
}

/** What the Kafka sink says of itself. */
export interface KafkaReadinessInput {
  /** Producer state: connecting, ready, retrying, ... */
  readonly state: string;
  /** Events accepted and not yet acknowledged (all in the journal). */
  readonly queued: number;
  readonly journalBytes: number;
  /** The journal is full and its whenFull policy loses events (dropOldest or rejectNew). */
  readonly journalFull: boolean;
  /** The last append reached the disk (false after an I/O error: events are being refused). */
  readonly journalWritable: boolean;
}

/**
 * Kafka's part of /readyz. The journal exists to ride out an outage, so an unreachable broker only
 * makes Kafka `degraded` (the gateway stays in its load balancer: API, dashboard and WebSocket
 * keep serving, events wait in the journal). Not ready only when events are being lost: the journal
 * full (whenFull drops or refuses) or unwritable. Pure.
 */
export function kafkaReadiness(kafka: KafkaReadinessInput | null): ComponentReadiness {
  if (kafka === null) return { ready: true, configured: false };
  const { state, queued, journalBytes, journalFull, journalWritable } = kafka;
  return { ready: !journalFull && journalWritable, configured: true, state, degraded: state !== 'ready', queued, journalBytes, journalFull, journalWritable };
}

/** Per-component readiness for /readyz: models loaded, storage writable, Kafka's journal taking events when configured. */
export function readiness(input: ReadinessInput): Record<string, ComponentReadiness> {
  let writable = false;
  try {
    accessSync(input.dataDir, constants.W_OK);
    writable = input.storeWritable?.() ?? false;
  } catch {
    writable = false;
  }
  return {
    models: { ready: input.poolState === 'ready', state: input.poolState, ...input.inference },
    storage: { ready: writable && input.galleryOpen, writable, galleryOpen: input.galleryOpen },
    kafka: kafkaReadiness(input.kafka),
  };
}
