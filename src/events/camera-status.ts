import { eventDraft, type CloudEvent, type EventDraft } from './cloud-event';

/** `data` of a vigil.camera.status event: one camera's state change, with the reason. */
export interface CameraStatusData {
  readonly camera: string;
  readonly state: string;
  readonly previousState: string;
  readonly reason: string | null;
  /** The error that caused the change (or the last one, while retrying); null when healthy. */
  readonly lastError: { readonly code: string; readonly message: string } | null;
  /** Decode mode: full, keyframes or half-fps. */
  readonly mode: string;
  /** No face or motion for a while: decoding key frames only until something appears. */
  readonly idle: boolean;
  /** Reconnect attempts since the stream was last healthy (0 when healthy). */
  readonly attempt: number;
}

export type CameraStatusEvent = CloudEvent<CameraStatusData>;

/** A vigil.camera.status event for a camera state change; `at` is the change time (ms). */
export function cameraStatusEvent(source: string, at: number, data: CameraStatusData): EventDraft<CameraStatusData> {
  return eventDraft(source, 'vigil.camera.status', at, data);
}
