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

/** Execution providers the workers know. `cpu` is onnxruntime-node's own; the others need a GPU. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt' | 'webgpu';

/** Which provider to open the models with, already resolved from the configuration (src/inference/providers.ts). */
export interface ProviderRequest {
  /** Tried as one onnxruntime provider list: nodes the first cannot run go to the next. */
  readonly chain: readonly ExecutionProvider[];
  /** When the chain cannot be opened: open on CPU and say why (true), or fail (false). */
  readonly allowCpuFallback: boolean;
  readonly deviceId: number;
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
  readonly provider: ProviderRequest;
  readonly intraOpThreads: number;
  /** Nice steps below the gateway's thread this worker thread takes before loading its models (0: the same). */
  readonly nice?: number;
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
  /** Most images (frames, tiles) per detector run; a bigger batch runs in several. Bounds the input tensor. */
  readonly maxBatchFrames: number;
  /** Most faces per landmark, liveness or embedding run. */
  readonly maxBatchFaces: number;
  /**
   * Permits for concurrent model runs on the accelerator, shared by every worker (and by the
   * pools a model swap overlaps): an Int32Array over this buffer, see workers/run-gate.ts.
   * Absent on CPU, where the worker count is the limit.
   */
  readonly runGate?: SharedArrayBuffer;
}

/** One frame of a batch. `pixels` is an RGB24 buffer of width*height*3 bytes, moved (not copied) to the worker. */
export interface DetectFrame {
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  /** Also run landmarks, quality and liveness for every face. */
  readonly analyze?: boolean;
  /**
   * With `analyze`: liveness too (the default). False skips it: the liveness model costs more than
   * landmarks and quality together, and a camera without per-frame events only reports the
   * liveness of its tracks' best views, measured when they are reported (`LivenessBatchTask`).
   */
  readonly liveness?: boolean;
}

/** Frames from any cameras, detected together: one detector run per `maxBatchFrames` images. */
export interface DetectBatchTask {
  readonly kind: 'detect';
  readonly frames: readonly DetectFrame[];
}

/** One frame's faces to embed (aligned from their five landmarks). `pixels` moves and comes back. */
export interface EmbedFrame {
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  readonly faces: readonly { readonly landmarks: Point[] }[];
}

/** Faces from any cameras' frames, embedded together: one model run per `maxBatchFaces` faces. */
export interface EmbedBatchTask {
  readonly kind: 'embed';
  readonly frames: readonly EmbedFrame[];
}

/** One frame's faces to score for liveness (a track's best view, when an event reports it). `pixels` moves and comes back. */
export interface LivenessFrame {
  readonly pixels: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly Box[];
}

/** Faces from any cameras' frames, scored together: one liveness run per `maxBatchFaces` faces. */
export interface LivenessBatchTask {
  readonly kind: 'liveness';
  readonly frames: readonly LivenessFrame[];
}

export interface WorkerInfoTask {
  readonly kind: 'info';
}

export type WorkerTask = DetectBatchTask | EmbedBatchTask | LivenessBatchTask | WorkerInfoTask;

/** Where a batch's time went, in milliseconds (worker thread, wall clock). */
export interface BatchTimings {
  /** Letterbox + normalise into the batch tensor (tiles included). */
  readonly preprocessMs: number;
  /** Waiting for an accelerator permit (0 on CPU). */
  readonly gateWaitMs: number;
  /** The detector's (or the embedding model's) session.run calls. */
  readonly modelMs: number;
  /** Scores and boxes to faces: threshold, mapping back through the letterbox, NMS. */
  readonly decodeMs: number;
  /** Landmarks, alignment, quality and liveness for every face (detect batches with `analyze`). */
  readonly analysisMs: number;
  /** The whole task in the worker. */
  readonly totalMs: number;
  /** Model runs this batch took (more than one when it exceeded the batch limit or the model has a fixed batch of 1). */
  readonly runs: number;
  /** Images through the model: frames and tiles for the detector, faces for the embedder. */
  readonly items: number;
}

/** Per frame, in the order sent: its faces, or why that frame alone failed (a bad frame does not fail the batch). */
export type DetectOutcome = { readonly faces: DetectedFace[] } | { readonly error: string };

export interface DetectBatchResult {
  readonly outcomes: DetectOutcome[];
  /** Every frame's buffer, in the order sent, moved back for reuse. */
  readonly pixels: ArrayBuffer[];
  readonly timings: BatchTimings;
}

export type EmbedOutcome = { readonly embeddings: Float32Array[]; readonly crops: Uint8Array[] } | { readonly error: string };

export interface EmbedBatchResult {
  readonly outcomes: EmbedOutcome[];
  readonly pixels: ArrayBuffer[];
  readonly timings: BatchTimings;
}

export type LivenessOutcome = { readonly liveness: number[] } | { readonly error: string };

export interface LivenessBatchResult {
  readonly outcomes: LivenessOutcome[];
  readonly pixels: ArrayBuffer[];
  readonly timings: BatchTimings;
}

/** One frame's answer as the pool hands it to a camera. */
export interface DetectResult {
  readonly faces: DetectedFace[];
  /** The task's buffer, moved back so the camera can reuse it. */
  readonly pixels: ArrayBuffer;
  /** This frame's share of its batch's worker time. */
  readonly inferenceMs: number;
}

/** One frame's embeddings as the pool hands them back: one 512-d L2-normalised embedding per requested face, in order. */
export interface EmbedResult {
  readonly embeddings: Float32Array[];
  /** The aligned crop (112x112 RGB24) each embedding was made from, in the same order. */
  readonly crops: Uint8Array[];
  readonly pixels: ArrayBuffer;
  readonly inferenceMs: number;
}

/** One frame's liveness scores as the pool hands them back, one per requested box, in order. */
export interface LivenessResult {
  readonly liveness: number[];
  readonly pixels: ArrayBuffer;
  readonly inferenceMs: number;
}

export interface WorkerInfo {
  /** The provider the models run on (the first of the chain, or `cpu` after a fallback). */
  readonly executionProvider: ExecutionProvider;
  readonly inputName: string;
  /** Which analysis models this worker loaded. */
  readonly models: readonly string[];
  /** Whether the detector takes a batch dimension (the manifest's batched variants do); otherwise batches run frame by frame. */
  readonly batchedDetector: boolean;
  readonly batchedEmbedding: boolean;
  /** Set when the wanted provider could not be used and CPU fallback was allowed. */
  readonly fallbackReason?: string;
  /** Set when the wanted provider could not be used and fallback was not allowed: the pool refuses to start. */
  readonly providerError?: string;
}
