import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EVENT_TYPES } from '../events';
import { Secret } from './secret';

/** Ids that name a journal folder, a metric label and an API path segment: a safe alphabet. */
const safeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters: letters, digits, "_", "." or "-", starting with a letter or digit');

/** Event types as the WebSocket filter takes them: a known type, or a prefix ending in `*`. */
const eventTypes = z
  .array(z.string().refine((t) => (EVENT_TYPES as readonly string[]).includes(t) || /^[a-z.]*\*$/.test(t), 'unknown event type (a trailing * matches a prefix, e.g. vigil.face.*)'))
  .min(1)
  .max(64);
const cameraIds = z.array(safeId).min(1).max(256);

/** A journal of its own per destination, with smaller defaults than Kafka's (one per webhook). */
const journalSettings = (maxBytes: number, segmentBytes: number) =>
  z
    .object({
      maxBytes: z.number().int().min(64 * 1024).max(1024 ** 4).default(maxBytes),
      segmentBytes: z.number().int().min(16 * 1024).max(1024 ** 3).default(segmentBytes),
      fsyncIntervalMs: z.number().int().min(0).max(60_000).default(100),
      whenFull: z.enum(['dropOldest', 'rejectNew']).default('dropOldest'),
    })
    .strict()
    .refine((j) => j.segmentBytes * 2 <= j.maxBytes, { message: 'must be at most half of maxBytes', path: ['segmentBytes'] })
    .prefault({});

function urlWithScheme(schemes: readonly string[], credentials: 'allowed' | 'refused') {
  return z
    .string()
    .min(1)
    .max(2048)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a valid URL' });
        return;
      }
      if (!schemes.includes(url.protocol)) ctx.addIssue({ code: 'custom', message: `scheme must be ${schemes.map((s) => s.slice(0, -1)).join(' or ')}` });
      else if (credentials === 'refused' && (url.username || url.password)) ctx.addIssue({ code: 'custom', message: 'give username and password as their own keys, not in the URL' });
    });
}

/** A webhook without an `id` is named after its URL, so the same URL finds its journal again after a restart. */
export function webhookIdFor(url: string): string {
  return `wh-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** The settings of one webhook, shared by the streams file and `POST /v1/webhooks`. */
export const webhookFields = {
  id: safeId.optional(),
  /** http or https only; redirects are never followed. */
  url: urlWithScheme(['http:', 'https:'], 'allowed'),
  /** HMAC key (Standard Webhooks): `whsec_<base64>` as those libraries expect, or any other string used as UTF-8 bytes. */
  secret: z.string().min(16).max(512).transform((value) => new Secret(value)),
  types: eventTypes.optional(),
  cameras: cameraIds.optional(),
  /** CloudEvents HTTP binding: the whole event as the body (structured) or the data as the body with ce-* headers (binary). */
  mode: z.enum(['structured', 'binary']).default('structured'),
  /** One attempt's limit: connect, send, answer. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Retry backoff after a failed attempt (exponential, full jitter): base ... */
  retryDelayMs: z.number().int().min(10).max(60_000).default(500),
  /** ... and cap; a receiver that comes back is retried within this long. */
  retryDelayMaxMs: z.number().int().min(10).max(3_600_000).default(60_000),
  /** Cameras delivered in parallel (each camera's events stay in order). */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Parked events (refused by the receiver) kept for inspection, newest last. */
  maxParked: z.number().int().min(1).max(10_000).default(100),
} as const;

export const webhookSchema = z
  .object({
    ...webhookFields,
    /** May the target resolve to loopback, link-local or private addresses? The streams file is trusted: yes by default. */
    allowPrivateTargets: z.boolean().default(true),
    journal: journalSettings(64 * 1024 ** 2, 4 * 1024 ** 2),
  })
  .strict()
  .transform((webhook) => ({ ...webhook, id: webhook.id ?? webhookIdFor(webhook.url) }));

export const mqttSchema = z
  .object({
    /** mqtt://host:1883 or mqtts://host:8883; credentials as their own keys. */
    url: urlWithScheme(['mqtt:', 'mqtts:'], 'refused'),
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(512).transform((value) => new Secret(value)).optional(),
    /** Default: vigil-<instanceId>. */
    clientId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
    /** Topics: <topicPrefix>/<instanceId>/cameras/<camera>/... */
    topicPrefix: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'topic levels of letters, digits, "_", "." or "-", no wildcards').default('vigil'),
    types: eventTypes.optional(),
    cameras: cameraIds.optional(),
    keepaliveS: z.number().int().min(5).max(3600).default(30),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
    reconnectDelayMs: z.number().int().min(10).max(60_000).default(500),
    reconnectDelayMaxMs: z.number().int().min(10).max(600_000).default(30_000),
    /** Most QoS 1 publishes waiting for PUBACK at once. */
    maxInFlight: z.number().int().min(1).max(1000).default(100),
    homeAssistant: z
      .object({
        discovery: z.boolean().default(true),
        discoveryPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/).default('homeassistant'),
      })
      .strict()
      .prefault({}),
    journal: journalSettings(256 * 1024 ** 2, 16 * 1024 ** 2),
  })
  .strict();

/** The top-level `webhooks:` and `mqtt:` sections of the streams file. */
export const integrationSchemas = {
  webhooks: z.array(webhookSchema).max(64).default([]),
  mqtt: mqttSchema.optional(),
};

export type WebhookConfig = z.infer<typeof webhookSchema>;
export type MqttConfig = z.infer<typeof mqttSchema>;
