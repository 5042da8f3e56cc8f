import type { CameraOrigin } from './camera-plan';

/** What operators see of a camera (`GET /v1/cameras`). The URL is always the redacted form. */
export interface CameraView {
  readonly id: string;
  readonly name: string | null;
  readonly url: string;
  /** Where the camera is defined: the streams file (`config`) or the API (`api`, stored in SQLite). */
  readonly origin: CameraOrigin;
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
  /** Cluster mode only: the gateway running the camera (null while none does). */
  readonly gateway?: string | null;
}
