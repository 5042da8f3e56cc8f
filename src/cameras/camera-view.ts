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
  /** No face or motion for a while: decoding key frames only until something appears (`ingest.idle`). */
  readonly idle: boolean;
  /** Reconnect attempts since the stream was last healthy. */
  readonly attempt: number;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
  /**
   * Hardware decoding: what was asked (the camera's `hwaccel`, else `ingest.hwaccel`), what the
   * decoder uses (`none`: software; null until a decoder has opened the stream) and why it is not
   * what was asked (null when it is).
   */
  readonly hwaccel: { readonly requested: string; readonly active: string | null; readonly reason: string | null };
  /** Cluster mode only: the gateway running the camera (null while none does). */
  readonly gateway?: string | null;
}
