/** Recognition settings, from the `recognition` section of the streams file. */
export interface RecognitionSettings {
  /** Cosine similarity at or above which a face matches an enrolled identity. */
  readonly matchThreshold: number;
  readonly minMargin: number;
  readonly minViews: number;
  readonly maxEmbeddingsPerTrack: number;
  readonly embedMinIntervalMs: number;
  /** Faces smaller than this (box height, px) are tracked but never embedded. */
  readonly minFaceSize: number;
  readonly trackIouThreshold: number;
  readonly trackMaxUnseenMs: number;
  /** Most live tracks per camera; beyond it the stalest is ended early. */
  readonly maxTracks: number;
}
