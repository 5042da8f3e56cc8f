import type { Box } from '../inference';
import type { CameraState, DecoderEvent, MediaSegment } from '../ingest';

/**
 * What a camera needs of the live view (src/live), declared where it is used: a running camera
 * attaches itself, can then be asked to remux its packets while someone watches, and reports its
 * media, the analysis' face boxes and its state to the sink it got back.
 */
export interface LiveViews {
  attach(camera: LiveCamera): LiveCameraSink;
}

export interface LiveCamera {
  readonly id: string;
  /** The analysis frame's size: the boxes are in its pixels (the source letterboxed into it). */
  readonly analysisWidth: number;
  readonly analysisHeight: number;
  /** Starts or stops the remux; false when the decoder backend cannot (ffmpeg). */
  setLive(on: boolean): boolean;
}

export interface LiveCameraSink {
  media(segment: MediaSegment): void;
  /** The decoder's `live` and `live-error` events. */
  event(event: DecoderEvent): void;
  /** The latest analysis of a frame read off the decoder at `capturedAt`. */
  faces(capturedAt: number, faces: readonly { box: Box; score: number }[]): void;
  state(state: CameraState, reason: string | null): void;
  /** The camera stops (removed, restarted with new settings, gateway stopping). */
  detach(): void;
}
