/** Messages between the inference pool (src/inference) and its workers. Types only: no runtime code. */

export interface Box {
  /** Left edge in pixels of the analysed frame. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface DetectedFace {
  readonly box: Box;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
}

export interface DetectorSettings {
  readonly modelPath: string;
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
}
