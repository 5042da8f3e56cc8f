/**
 * When to send a batch to the workers: pure, table-tested (test/unit/inference/batch-policy.test.ts).
 *
 * Batches form by themselves under load: while every worker is busy, frames from all cameras
 * queue in arrival order, and the next free worker takes up to `maxSize` of them at once. A free
 * worker never holds a frame back when nothing is running (an idle pool gains nothing from
 * waiting, so one active camera sees no added latency); when other batches are running it may
 * wait up to `maxWaitMs` for more frames to join, as a GPU gains from bigger batches.
 */

export interface BatchLimits {
  /** Most weight (frames for the detector, faces for the embedder) per batch. */
  readonly maxSize: number;
  /** Longest a queued request waits for company while other batches run; 0 = never. */
  readonly maxWaitMs: number;
}

export interface QueueView {
  /** Requests waiting, and their total weight. */
  readonly queued: number;
  readonly queuedWeight: number;
  /** How long the oldest request has waited. */
  readonly oldestAgeMs: number;
  /** Batches running now, and how many may run at once (the workers). */
  readonly inFlight: number;
  readonly capacity: number;
  /** Closing: send what is queued without waiting. */
  readonly draining: boolean;
}

export type BatchDecision = { readonly kind: 'dispatch' } | { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'idle' };

const DISPATCH: BatchDecision = { kind: 'dispatch' };
const IDLE: BatchDecision = { kind: 'idle' };

export function decideBatch(view: QueueView, limits: BatchLimits): BatchDecision {
  if (view.queued === 0 || view.inFlight >= view.capacity) return IDLE;
  if (view.queuedWeight >= limits.maxSize || view.inFlight === 0 || view.draining) return DISPATCH;
  if (view.oldestAgeMs >= limits.maxWaitMs) return DISPATCH;
  return { kind: 'wait', ms: limits.maxWaitMs - view.oldestAgeMs };
}

/**
 * How many of the queued requests (weights in arrival order) one batch takes: as many as fit in
 * `maxSize`, and always at least the first, so a request heavier than the limit still runs (the
 * worker splits it into several model runs).
 */
export function takeCount(weights: readonly number[], maxSize: number): number {
  let total = 0;
  let count = 0;
  for (const w of weights) {
    if (count > 0 && total + w > maxSize) break;
    total += w;
    count += 1;
    if (total >= maxSize) break;
  }
  return count;
}
