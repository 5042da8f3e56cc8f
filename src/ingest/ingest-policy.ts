import type { BackoffPolicy } from '../lifecycle';
import type { HwAccelSetting } from './hwaccel';

/** Everything that decides how a camera's ingest is supervised; resolved from config (global, then per camera). */
export interface IngestPolicy {
  readonly backoff: BackoffPolicy;
  /** After streaming this long, the next failure starts the backoff from the base again. */
  readonly healthyAfterMs: number;
  readonly stallTimeoutMs: number;
  readonly maxFpsFactor: number;
  readonly rateWindowMs: number;
  readonly ringFrames: number;
  readonly ringBytes: number;
  /** Hardware decoding asked for (absent: software). */
  readonly hwaccel?: HwAccelSetting;
}
