import type { Caller, TokenView } from '../auth';
import type { CameraView } from '../cameras';
import type { FaceSource, IdentityView } from '../gallery';
import type { ComponentReadiness } from '../observability';
import type { WebhookDetail, WebhookView } from '../webhooks';

export type { CameraView, FaceSource, IdentityView, ComponentReadiness };

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
  /** The identity's enrolled faces (ids to remove one), oldest first; `sha256` of the photo each came from (null for tracks and older faces). */
  faces(id: string): { id: number; source: string | null; sha256: string | null; createdAt: string }[];
  removeFace(id: string, faceId: number): void | Promise<void>;
  addNegative(id: string, face: FaceSource): Promise<IdentityView>;
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
