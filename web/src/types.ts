/** The API's shapes, as the dashboard reads them (README "HTTP and WebSocket API", "Events"). */

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

export interface CameraView {
  readonly id: string;
  readonly name: string | null;
  readonly url: string;
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
  readonly mode: string;
  readonly attempt: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
  readonly origin?: 'config' | 'api';
}

/** GET /v1/me: who the token is. */
export interface Caller {
  readonly role: 'viewer' | 'operator' | 'admin' | 'anonymous';
  readonly tokenId: string | null;
}

export interface Identity {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly faces?: number;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FaceEventData {
  readonly camera: string;
  readonly trackId?: string;
  readonly identity?: { readonly id: string; readonly name: string; readonly externalId?: string | null } | null;
  readonly similarity?: number;
  readonly box?: Box;
  readonly quality?: { readonly score: number } | null;
  readonly liveness?: number | null;
  readonly snapshots?: { readonly face: string; readonly frame: string } | null;
  readonly firstSeen?: string;
}

export interface CameraStatusData {
  readonly camera: string;
  readonly state: string;
  readonly previousState?: string;
  readonly reason: string | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly mode?: string;
  readonly attempt?: number;
}

/** A CloudEvent as the gateway sends it. */
export interface VigilEvent {
  readonly specversion: string;
  readonly id: string;
  readonly source?: string;
  readonly type: string;
  readonly time: string;
  readonly subject?: string;
  readonly sequence?: number;
  readonly vigilrun?: string;
  readonly data: Record<string, unknown>;
}

/** A control message on the event WebSocket: has `kind`, never `specversion`. */
export interface ControlMessage {
  readonly kind: 'gap' | 'notice' | 'subscribed' | 'error' | string;
  readonly reason?: string;
  readonly code?: string;
  readonly message?: string;
  readonly run?: string;
  readonly from?: number;
  readonly to?: number;
  readonly sequence?: number;
}

export const RECOGNIZED = 'vigil.face.recognized';
export const UNKNOWN = 'vigil.face.unknown';
export const CAMERA_STATUS = 'vigil.camera.status';
