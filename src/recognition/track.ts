import type { Box, DetectedFace, FaceQuality } from '../inference';
import type { Identity } from '../gallery';
import type { FrameTrace } from '../observability';
import type { Decision } from './identity-decision';

/** The best view of a track so far: its frame (a private copy) and the face in it. */
export interface BestView {
  readonly face: DetectedFace;
  readonly quality: FaceQuality;
  readonly capturedAt: number;
  readonly frame: { readonly pixels: Uint8Array; readonly width: number; readonly height: number };
  /**
   * Probability that the face is live: the detector's (cameras with per-frame events), or scored
   * once when an outcome first reports this view; undefined until then.
   */
  liveness: number | null | undefined;
  /** Snapshot URLs once saved. */
  snapshots: { face: string; frame: string } | null;
  /** Outcomes waiting to save its snapshots (they will read the frame): the copy is not released while any waits. */
  holds: number;
  /** The frame copy went back to the recognizer's buffers (snapshots saved, or a better view came). */
  released: boolean;
  /** False once a save failed: a failed encode may still be reading the copy, so it is left to the garbage collector. */
  reusable: boolean;
}

/** One face followed across frames on one camera. Mutable state owned by its FaceRecognizer. */
export interface Track {
  readonly id: string;
  readonly camera: string;
  readonly firstSeen: number;
  lastSeen: number;
  box: Box;
  frames: number;
  best: BestView | null;
  views: { embedding: Float32Array; quality: number; identityId: string | null }[];
  bestEmbeddedQuality: number;
  /** The aligned crop of its best embedded view (made by the embedding worker): recorded with its answer. */
  bestCrop: Uint8Array | null;
  lastEmbeddedAt: number;
  decision: Decision | null;
  /** The decision last reported in an event (null before the first). */
  reported: Decision | null;
  reportedSimilarity: number;
  /** The identity last reported as recognised. */
  identity: Identity | null;
  /** The trace of the last frame the track was seen in (its end event carries it). */
  lastTrace: FrameTrace | null;
}
