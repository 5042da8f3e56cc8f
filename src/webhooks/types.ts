import type { WebhookConfig } from '../config';
import type { ParkedEvent } from './parked';

/** A webhook as the delivery loop runs it: its validated settings and where it was defined. */
export type WebhookSpec = WebhookConfig & { readonly origin: 'config' | 'api' };

export type WebhookState = 'idle' | 'delivering' | 'retrying' | 'closed';

/** What the API shows of a webhook: never the secret, the URL with its password and secret query values hidden. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly origin: 'config' | 'api';
  readonly mode: 'structured' | 'binary';
  readonly types: readonly string[] | null;
  readonly cameras: readonly string[] | null;
  readonly allowPrivateTargets: boolean;
  readonly state: WebhookState;
  /** Events accepted for this webhook and not yet delivered or parked (all in its journal). */
  readonly pending: number;
  readonly journalBytes: number;
  /** Since the gateway started. */
  readonly delivered: number;
  readonly failedAttempts: number;
  /** Since the webhook was created (kept across restarts). */
  readonly parked: number;
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  readonly lastDeliveredAt: string | null;
}

export interface WebhookDetail extends WebhookView {
  /** The newest parked events (at most `maxParked`), oldest first. */
  readonly parkedEvents: readonly ParkedEvent[];
}

/** Observers of delivery, for metrics; every callback is optional and must not throw. */
export interface WebhookHooks {
  /** One HTTP attempt ended: delivered, will be retried, or parked. */
  readonly onAttempt?: (webhook: string, result: 'delivered' | 'retry' | 'parked', seconds: number) => void;
  /** An event reached the receiver; `acceptedAt` is when the bus accepted it. */
  readonly onDelivered?: (webhook: string, acceptedAt: number) => void;
  /** Events lost or refused before delivery: journal_full, journal_io, journal_corrupt, closed. */
  readonly onDropped?: (webhook: string, reason: string, count: number) => void;
  readonly onJournal?: (webhook: string, pending: number, bytes: number) => void;
  /** The webhook is gone (removed through the API): forget its series. */
  readonly onRemoved?: (webhook: string) => void;
}
