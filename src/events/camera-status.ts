import { randomUUID } from 'node:crypto';
import type { CloudEvent } from './cloud-event';

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
  /** Reconnect attempts since the stream was last healthy (0 when healthy). */
  readonly attempt: number;
}

export type CameraStatusEvent = CloudEvent<CameraStatusData>;

/** A CloudEvents 1.0 structured event for a camera state change; `at` is the change time (ms). */
export function cameraStatusEvent(source: string, at: number, data: CameraStatusData): CameraStatusEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: 'vigil.camera.status',
    time: new Date(at).toISOString(),
    subject: data.camera,
    datacontenttype: 'application/json',
    data,
  };
}
