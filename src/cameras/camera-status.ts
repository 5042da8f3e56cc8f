import type { CameraState, DecodeMode } from '../ingest';

/** A camera state change as published (`vigil.camera.status`) and logged. */
export interface CameraStatus {
  readonly camera: string;
  readonly state: CameraState;
  readonly previousState: CameraState;
  readonly reason: string | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly mode: DecodeMode;
  /** No face or motion for a while: key frames only until something appears. */
  readonly idle: boolean;
  readonly attempt: number;
  readonly at: number;
}
