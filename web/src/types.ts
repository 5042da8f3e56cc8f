/**
 * The API's shapes, as the dashboard reads them. Everything that crosses the wire comes from
 * wire-types.ts, generated from the server's own schemas; only what no schema describes is here.
 */
import type { CameraStatusData, FaceMatchData, TrackEndedData, VigilEventEnvelope } from './wire-types.js';

export type { ApiErrorBody, Box, Caller, CameraStatusData, CameraView, IdentityView as Identity } from './wire-types.js';

/** `data` of the face events the feed shows: recognized and unknown. */
export type FaceEventData = FaceMatchData;

/** A CloudEvent as the gateway sends it: the envelope, with `data` read by type (see faceData, CameraStatusData). */
export interface VigilEvent extends Omit<VigilEventEnvelope, 'type'> {
  readonly type: VigilEventEnvelope['type'] | string;
  readonly data: FaceMatchData | TrackEndedData | CameraStatusData | Readonly<Record<string, unknown>>;
}

/** A control message on the event WebSocket: has `kind`, never `specversion`. Built by the hub, described in README "Events". */
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
