import { backoffDelay, type BackoffPolicy } from '../lifecycle';

/** What to do with an event after one attempt. */
export type Verdict =
  | { readonly kind: 'delivered' }
  /** Try the same event again later (the receiver is down, busy or failing). */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | null }
  /** The receiver refused this event: keep it aside with the reason and move on. */
  | { readonly kind: 'park'; readonly reason: string };

/** What one attempt got back: an HTTP answer, or no answer at all. */
export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly location: string | null; readonly retryAfter: string | null; readonly body: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string };

const RETRYABLE_4XX = new Set([408, 429]);

/** `Retry-After` (seconds or an HTTP date) in ms from now; null when absent or unreadable. Pure. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function describe(status: number, body: string): string {
  const text = body.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return text ? `HTTP ${status}: ${text.slice(0, 200)}` : `HTTP ${status}`;
}

/**
 * The delivery rules, in one pure function:
 * - 2xx: delivered.
 * - 408, 429, 5xx, and no answer (refused, reset, timeout, refused address): retry the same event
 *   (the receiver's state, not the event, is the problem).
 * - 3xx: parked; redirects are never followed (a webhook must not become a way to reach another host).
 * - every other 4xx (400, 401, 404, 410, 413, 422, ...): parked, it is about this event; the
 *   camera's later events go on.
 * - 1xx and anything else unexpected: retry.
 */
export function judge(result: AttemptResult, nowMs: number): Verdict {
  if (result.kind === 'error') return { kind: 'retry', reason: `${result.code}: ${result.message}`, retryAfterMs: null };
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status >= 300 && status < 400) {
    return { kind: 'park', reason: `HTTP ${status}: redirect${result.location ? ` to ${result.location.slice(0, 200)}` : ''} not followed` };
  }
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) return { kind: 'park', reason: describe(status, result.body) };
  return { kind: 'retry', reason: describe(status, result.body), retryAfterMs: parseRetryAfter(result.retryAfter, nowMs) };
}

/**
 * Delay before the next attempt after `failures` consecutive failures: exponential backoff with
 * full jitter, raised to the receiver's `Retry-After` when it asks for longer, never above the cap.
 */
export function retryDelay(policy: BackoffPolicy, failures: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const backoff = backoffDelay(policy, Math.max(0, failures - 1), random);
  return Math.min(policy.maxMs, Math.max(backoff, retryAfterMs ?? 0));
}
