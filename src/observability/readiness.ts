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
  readonly kafkaState: string | null;
  /** What the inference pool runs on (execution provider, workers, batch limits), shown under `models`. */
  readonly inference?: Readonly<Record<string, unknown>>;
}

/** Per-component readiness for /readyz: models loaded, storage writable, Kafka connected when configured. */
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
    kafka: input.kafkaState === null ? { ready: true, configured: false } : { ready: input.kafkaState === 'ready', configured: true, state: input.kafkaState },
  };
}
