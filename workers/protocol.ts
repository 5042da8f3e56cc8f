/** Messages between the inference pool (src/inference) and its workers. Types only: no runtime code. */

export interface Box {
  /** Left edge in pixels of the analysed frame. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A point in pixels of the analysed frame. */
export type Point = [number, number];

/** How usable a face view is; `score` (0..1) combines the others and picks the view to embed and snapshot. */
export interface FaceQuality {
  readonly score: number;
  /** Variance of the Laplacian over the aligned 112x112 face (grey levels squared). */
  readonly sharpness: number;
  /** Mean brightness of the face, 0..1. */
  readonly brightness: number;
  /** Face box height in pixels. */
  readonly faceSize: number;
  /** 1 = frontal, 0 = profile or strongly tilted, from landmarks. */
  readonly frontalness: number;
}

export interface DetectedFace {
  readonly box: Box;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
  /** With analysis on: eye centres (left, right in the image), nose tip, mouth corners. */
  readonly landmarks?: Point[];
  readonly quality?: FaceQuality;
  /** Passive liveness: probability in [0, 1] that the face is a live person, not a photo or screen. */
  readonly liveness?: number;
}

export interface DetectorSettings {
  /** The detector model, verified against the manifest. */
  readonly modelPath: string;
  /** The analysis models; without them the worker only detects. */
  readonly landmarksPath?: string;
  readonly embeddingPath?: string;
  readonly livenessPath?: string;
  /** Also detect on 2x2 overlapping tiles (for small faces in large frames), merged by NMS. */
  readonly tiles?: boolean;
  readonly executionProviders: readonly ('cuda' | 'cpu')[];
  readonly intraOpThreads: number;
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
}

/** A frame to analyse. `pixels` is an RGB24 buffer of width*height*3 bytes, moved (not copied) to the worker. */
export interface DetectTask {
  readonly kind: 'detect';
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  /** Also run landmarks, quality and liveness for every face. */
  readonly analyze?: boolean;
}

/** Embeds the given faces of a frame (aligned from their five landmarks). `pixels` moves and comes back. */
export interface EmbedTask {
  readonly kind: 'embed';
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  readonly faces: readonly { readonly landmarks: Point[] }[];
}

export interface EmbedResult {
  /** One 512-d L2-normalised embedding per requested face, in order. */
  readonly embeddings: Float32Array[];
  readonly pixels: ArrayBuffer;
  readonly inferenceMs: number;
}

export interface WorkerInfoTask {
  readonly kind: 'info';
}

export interface DetectResult {
  readonly faces: DetectedFace[];
  /** The task's buffer, moved back so the camera can reuse it. */
  readonly pixels: ArrayBuffer;
  readonly inferenceMs: number;
}

export interface WorkerInfo {
  readonly executionProvider: string;
  readonly inputName: string;
  /** Which analysis models this worker loaded. */
  readonly models: readonly string[];
}
