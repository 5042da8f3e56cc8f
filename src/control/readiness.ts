import { accessSync, constants } from 'node:fs';
import type { ComponentReadiness } from '../api';
import type { ControlStore } from './store';

export interface ReadinessInput {
  readonly poolState: string;
  readonly dataDir: string;
  readonly store: ControlStore | null;
  readonly galleryOpen: boolean;
  /** null when Kafka is not configured. */
  readonly kafkaState: string | null;
}

/** Per-component readiness for /readyz: models loaded, storage writable, Kafka connected when configured. */
export function readiness(input: ReadinessInput): Record<string, ComponentReadiness> {
  let writable = false;
  try {
    accessSync(input.dataDir, constants.W_OK);
    writable = input.store?.writable() ?? false;
  } catch {
    writable = false;
  }
  return {
    models: { ready: input.poolState === 'ready', state: input.poolState },
    storage: { ready: writable && input.galleryOpen, writable, galleryOpen: input.galleryOpen },
    kafka: input.kafkaState === null ? { ready: true, configured: false } : { ready: input.kafkaState === 'ready', configured: true, state: input.kafkaState },
  };
}
