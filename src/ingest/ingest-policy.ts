import type { BackoffPolicy } from '../lifecycle';
import type { DegradeTo } from './adaptive';

/** Everything that decides how a camera's ingest behaves; resolved from config (global, then per camera). */
export interface IngestPolicy {
  readonly backoff: BackoffPolicy;
  /** After streaming this long, the next failure starts the backoff from the base again. */
  readonly healthyAfterMs: number;
  readonly stallTimeoutMs: number;
  readonly maxFpsFactor: number;
  readonly rateWindowMs: number;
  readonly ringFrames: number;
  readonly ringBytes: number;
  /** Fractions of the ring's capacity. */
  readonly highWatermark: number;
  readonly lowWatermark: number;
  readonly degradeAfterChecks: number;
  readonly restoreAfterChecks: number;
  readonly degradeTo: DegradeTo;
}
