import type { Logger } from 'pino';
import type { VigilError } from '../errors';
import type { ExecutionProvider } from '../../workers/protocol';
import type { BatchFigures } from './pool-lanes';
import type { BatchSettings, ProviderChoice } from './providers';

export type PoolState = 'idle' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed';

export interface DetectorPoolOptions {
  /** Worker threads; `auto` from the cores (and the accelerator), see resolveWorkers. */
  readonly workers: number | 'auto';
  readonly provider?: ProviderChoice | undefined;
  /** The older form of `provider`, still accepted: tried in order, `cpu` allows the fallback. */
  readonly executionProviders?: readonly ExecutionProvider[] | undefined;
  readonly allowCpuFallback?: boolean | undefined;
  readonly intraOpThreads: number;
  /** Nice steps below the gateway's thread for the worker threads (`inference.workerNice`; absent: 0). */
  readonly workerNice?: number | undefined;
  readonly batch?: BatchSettings | undefined;
  readonly gpu?: { readonly maxConcurrentRuns?: number | undefined; readonly deviceId?: number | undefined } | undefined;
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
  readonly modelsDir?: string;
  /** Load the landmark, liveness and embedding models too (recognition, enrolment). */
  readonly analysis?: boolean;
  /** Second detection pass on 2x2 tiles for small faces in large frames. */
  readonly tiles?: boolean;
  /** Watch the models folder and swap in changed models that match the manifest. */
  readonly watchModels?: boolean;
  readonly watchDebounceMs?: number;
  readonly logger: Logger;
  /** Called with each frame's share of its batch's worker time, for the metrics histogram. */
  readonly onInference?: (ms: number) => void;
  /** Called once per batch with where its time went. */
  readonly onBatch?: (figures: BatchFigures) => void;
  /** Called when the pool (re)starts, with the execution provider in use. */
  readonly onProvider?: (provider: PoolDescription) => void;
  /** Called after each hot-swap attempt. */
  readonly onModelReload?: (result: 'swapped' | 'refused' | 'unchanged', error?: VigilError) => void;
  /**
   * A hot swap is about to change the embedding model: prepare what depends on it (the gallery's
   * re-embedding, with `embedCrop` on the new workers) and return what to switch at the moment the
   * new pool takes over; a throw refuses the swap, and the loaded models keep serving.
   */
  readonly onEmbeddingModelChange?: (model: string, embedCrop: (crop: Uint8Array) => Promise<Float32Array>) => Promise<() => void>;
}

/** What the pool runs on, for /readyz, the logs and a metric. */
export interface PoolDescription {
  readonly executionProvider: ExecutionProvider | null;
  /** As configured: `auto`, `cuda`, ..., or the older list (`cuda,cpu`). */
  readonly requestedProvider: string;
  readonly fallbackReason: string | null;
  readonly workers: number;
  readonly batch: { readonly maxFrames: number; readonly maxFaces: number; readonly maxWaitMs: number };
  /** Concurrent model runs allowed on the accelerator (null on CPU). */
  readonly gpuConcurrentRuns: number | null;
  readonly batchedModels: boolean;
}
