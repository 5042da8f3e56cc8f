import type { Caller } from '../events';

/** What `GET /v1/cameras` shows for each camera. URLs are always the redacted form. */
export interface CameraView {
  readonly id: string;
  readonly name: string | null;
  readonly url: string;
  /** Where the camera is defined: the streams file (`config`) or the API (`api`, stored in SQLite). */
  readonly origin?: 'config' | 'api';
  readonly enabled: boolean;
  readonly state: string;
  readonly stateReason: string | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly framesDecoded: number;
  readonly framesAnalyzed: number;
  readonly framesDropped: number;
  /** Decode mode: full, keyframes or half-fps (lowered while analysis cannot keep up). */
  readonly mode: string;
  /** Reconnect attempts since the stream was last healthy. */
  readonly attempt: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
}

/** Camera changes from the API; every method throws a VigilError with the right code. */
export interface CameraControl {
  get(id: string): CameraView;
  add(input: Record<string, unknown>): Promise<CameraView>;
  update(id: string, patch: Record<string, unknown>): Promise<CameraView>;
  remove(id: string): Promise<void>;
  /** JPEG of the latest decoded frame. */
  snapshot(id: string): Promise<Buffer>;
}

export interface IdentityView {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly faces: number;
  readonly negatives: number;
  readonly createdAt: string;
}

/** A face to enrol: image bytes (sniffed and decoded here, never written to disk) or a recent track. */
export type FaceSource = { readonly image: Buffer } | { readonly fromTrack: string };

export interface IdentityControl {
  list(): IdentityView[];
  get(id: string): IdentityView;
  create(input: { name: string; externalId?: string; metadata?: Record<string, unknown>; faces: FaceSource[] }): Promise<IdentityView>;
  update(id: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentityView;
  remove(id: string): void;
  addFace(id: string, face: FaceSource): Promise<{ faceId: number }>;
  /** The identity's enrolled faces (ids to remove one), oldest first; `sha256` of the photo each came from (null for tracks and older faces). */
  faces(id: string): { id: number; source: string | null; sha256: string | null; createdAt: string }[];
  removeFace(id: string, faceId: number): void;
  addNegative(id: string, face: FaceSource): Promise<IdentityView>;
}

export interface TokenView {
  readonly id: string;
  readonly role: string;
  readonly source: 'env' | 'stored';
  readonly name: string | null;
  readonly createdAt: string | null;
}

export interface TokenControl {
  list(): TokenView[];
  /** Creates a token; the secret is in the answer once and never again. */
  create(input: { role: string; name?: string }): TokenView & { token: string };
  remove(id: string): void;
}

export interface ComponentReadiness {
  readonly ready: boolean;
  readonly [detail: string]: unknown;
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
