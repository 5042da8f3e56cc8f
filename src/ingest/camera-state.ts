import { backoffDelay, type BackoffPolicy } from '../lifecycle';

/**
 * A camera's ingest states. `idle` before the first start; `starting` while ffmpeg connects and
 * probes; `streaming` once frames arrive; `stalled` when the watchdog saw no frame in time (the
 * decoder is being killed); `backoff` while waiting to reconnect; `stopped` on request; `failed`
 * for errors retrying cannot fix (the reason says which).
 */
export type CameraState = 'idle' | 'starting' | 'streaming' | 'stalled' | 'backoff' | 'stopped' | 'failed';

export const CAMERA_STATES: readonly CameraState[] = ['idle', 'starting', 'streaming', 'stalled', 'backoff', 'stopped', 'failed'];

/** Which moves the supervisor may make. Anything else is a bug and is refused. */
const TRANSITIONS: Readonly<Record<CameraState, readonly CameraState[]>> = {
  idle: ['starting', 'stopped', 'failed'],
  // starting → starting is not a move; streaming → starting is a decode-mode restart.
  starting: ['streaming', 'stalled', 'backoff', 'failed', 'stopped'],
  streaming: ['starting', 'stalled', 'backoff', 'failed', 'stopped'],
  stalled: ['backoff', 'failed', 'stopped'],
  backoff: ['starting', 'failed', 'stopped'],
  stopped: ['starting'],
  failed: ['starting', 'stopped'],
};

export function canMove(from: CameraState, to: CameraState): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface RestartInput {
  /** Reconnect attempts made since the stream was last healthy. */
  readonly attempt: number;
  /** When the current run started streaming, or null if it never did. */
  readonly streamingSince: number | null;
  readonly now: number;
  /** How long a run must stream before the backoff starts over from the base. */
  readonly healthyAfterMs: number;
  readonly policy: BackoffPolicy;
  readonly random?: () => number;
}

/**
 * What to do after a decoder run ended with an error that retrying can fix: the attempt number the
 * reconnect counts as, and how long to wait first. A run that streamed long enough resets the
 * count, so a camera that drops once a day always reconnects quickly.
 */
export function planRestart(input: RestartInput): { attempt: number; delayMs: number } {
  const healthy = input.streamingSince !== null && input.now - input.streamingSince >= input.healthyAfterMs;
  const attempt = healthy ? 0 : input.attempt;
  return { attempt: attempt + 1, delayMs: backoffDelay(input.policy, attempt, input.random) };
}
