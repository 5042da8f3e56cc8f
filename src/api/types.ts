import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Caller, TokenView } from '../auth';
import type { CameraView } from '../cameras';
import type { FaceSource, IdentityView } from '../gallery';
import type { CameraHealthSummary, CameraHealthView } from '../health';
import type { FaceSearchAnswer, FaceSearchInput, HistoryFilter, Timeline } from '../history';
import type { ComponentReadiness } from '../observability';
import type { WebhookDetail, WebhookView } from '../webhooks';

export type { CameraView, FaceSource, IdentityView, ComponentReadiness, HistoryFilter, FaceSearchInput, FaceSearchAnswer };

/** The stored event history (src/history), as the API reads it; every method throws a VigilError with the right code. */
export interface HistoryControl {
  /** A page of stored events, newest first; a cursor carries its filter (a different filter given with it is refused). */
  page(request: { filter: HistoryFilter; cursor?: string | undefined; limit: number }): { events: unknown[]; nextCursor: string | null };
  /** One stored event as published (VIGIL_ERR_EVENT_NOT_FOUND when not stored, or gone). */
  event(eventId: string): unknown;
  timeline(request: { cameras: readonly string[] | null; types: readonly string[] | null; from: number; to: number; buckets: number }): Timeline;
  /** Every stored appearance of a face (a photo's, or a stored event's), best first. */
  search(input: FaceSearchInput): Promise<FaceSearchAnswer>;
}

/**
 * What the API needs of the cameras, identities and tokens. Declared here, where it is used; the
 * domain stages' classes satisfy it and never import from the API. Every method throws a
 * VigilError with the right code.
 */
export interface CameraControl {
  list(): CameraView[];
  get(id: string): CameraView;
  add(input: Record<string, unknown>): Promise<CameraView>;
  update(id: string, patch: Record<string, unknown>): Promise<CameraView>;
  remove(id: string): Promise<void>;
  /** JPEG of the latest decoded frame; `via` carries the caller's credentials where the camera runs on another gateway. */
  snapshot(id: string, via?: { authorization?: string | undefined; peer?: boolean }): Promise<Buffer>;
}

export interface IdentityControl {
  list(): IdentityView[];
  get(id: string): IdentityView;
  create(input: { name: string; externalId?: string; metadata?: Record<string, unknown>; faces: FaceSource[] }): Promise<IdentityView>;
  update(id: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentityView | Promise<IdentityView>;
  remove(id: string): void | Promise<void>;
  addFace(id: string, face: FaceSource): Promise<{ faceId: number }>;
  /** The identity's enrolled faces (ids to remove one), oldest first; `sha256` of the photo each came from (null for tracks and older faces); `crop` the URL of its aligned crop (null when none is stored). */
  faces(id: string): { id: number; source: string | null; sha256: string | null; createdAt: string; model: string | null; crop: string | null }[];
  removeFace(id: string, faceId: number): void | Promise<void>;
  addNegative(id: string, face: FaceSource): Promise<IdentityView>;
  /** "Not this person" examples, oldest first. */
  negatives(id: string): { id: number; source: string | null; createdAt: string; model: string | null; crop: string | null }[];
  removeNegative(id: string, negativeId: number): void | Promise<void>;
  /** PNG of the aligned crop a face or negative was embedded from. */
  crop(id: string, kind: 'face' | 'negative', faceId: number): Promise<Buffer>;
}

export interface TokenControl {
  list(): TokenView[];
  /** Creates a token; the secret is in the answer once and never again. */
  create(input: { role: string; name?: string | null; expiresAt?: string | null }): (TokenView & { token: string }) | Promise<TokenView & { token: string }>;
  /** Role, name or expiry of a stored token; a lower role or an earlier expiry ends its open WebSockets. */
  update(id: string, patch: { role?: string; name?: string | null; expiresAt?: string | null }): TokenView | Promise<TokenView>;
  remove(id: string): void | Promise<void>;
}

/** Webhooks from the API (admin); every method throws a VigilError with the right code. */
export interface WebhookControl {
  list(): WebhookView[];
  get(id: string): WebhookDetail;
  /** The view, plus `secret` once when the gateway generated it. */
  create(input: Record<string, unknown>): Promise<WebhookView & { secret?: string }>;
  remove(id: string): Promise<void>;
}

/** Per-camera health from the gateway's memory; throws VIGIL_ERR_CAMERA_NOT_FOUND. */
export interface HealthControl {
  window(camera: string, windowMs: number): CameraHealthView;
  summaries(): CameraHealthSummary[];
}

/** An extra WebSocket route (the live video), chosen by path on upgrade. */
export interface WebSocketRoute {
  handles(path: string): boolean;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export type Readiness = () => Promise<Record<string, ComponentReadiness>>;

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifySchema {
    /** For the OpenAPI document. */
    summary?: string;
    tags?: readonly string[];
  }
  interface FastifyContextConfig {
    /** The weakest role allowed on the route; absent: no token needed (health, metrics). */
    role?: 'viewer' | 'operator' | 'admin';
  }
}
