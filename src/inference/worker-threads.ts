import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { VigilError, asVigilError } from '../errors';
import { WORKERS_DIR } from '../config';
import { WORKER_RESOURCE_LIMITS } from '../lifecycle';
import type { DetectorSettings, WorkerInfo } from '../../workers/protocol';
import { createRunGate } from '../../workers/run-gate';
import { readManifest, verifyModel } from './model-manifest';
import type { ResolvedBatch, ResolvedProvider } from './providers';

const ANALYSIS_MODELS = ['landmarks', 'embedding', 'liveness'] as const;

export interface WorkerSpec {
  readonly modelsDir: string;
  /** Load the landmark, liveness and embedding models too. */
  readonly analysis: boolean;
  readonly tiles: boolean;
  readonly provider: ResolvedProvider;
  readonly intraOpThreads: number;
  /** Nice steps below the gateway's thread for each worker thread (0: the same). */
  readonly nice: number;
  readonly detection: { readonly scoreThreshold: number; readonly iouThreshold: number; readonly maxFaces: number };
  readonly workers: number;
  readonly batch: ResolvedBatch;
  /** Permits of the accelerator's run gate. */
  readonly gpuRuns: number;
  readonly logger: Logger;
}

/** A started set of worker threads with verified models. */
export interface Opened {
  readonly pool: Piscina;
  readonly info: WorkerInfo;
  /** sha256 of each loaded model, by manifest name. */
  readonly hashes: Record<string, string>;
  readonly workers: number;
}

/**
 * Verifies every model against the manifest, starts the worker threads with them, and asks one
 * for its models and execution provider. A provider that cannot load (and may not fall back) is
 * VIGIL_ERR_EXECUTION_PROVIDER; anything else that stops the models loading is VIGIL_ERR_MODEL_LOAD.
 */
export async function openWorkers(spec: WorkerSpec): Promise<Opened> {
  const manifest = readManifest(spec.modelsDir);
  const names = ['detector', ...(spec.analysis ? ANALYSIS_MODELS : [])];
  const paths: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const name of names) {
    paths[name] = await verifyModel(spec.modelsDir, name, manifest);
    hashes[name] = manifest.models[name]?.sha256 ?? '';
  }
  const settings: DetectorSettings = {
    modelPath: paths.detector as string,
    ...(spec.analysis && { landmarksPath: paths.landmarks as string, embeddingPath: paths.embedding as string, livenessPath: paths.liveness as string }),
    tiles: spec.tiles,
    provider: spec.provider.request,
    intraOpThreads: spec.intraOpThreads,
    nice: spec.nice,
    ...spec.detection,
    maxBatchFrames: spec.batch.frames.maxSize,
    maxBatchFaces: spec.batch.faces.maxSize,
    // One gate per pool: a pool destroyed mid-run cannot leak permits into its successor.
    runGate: createRunGate(spec.gpuRuns),
  };
  const pool = new Piscina({
    filename: join(WORKERS_DIR, 'detect-worker.js'),
    minThreads: spec.workers,
    maxThreads: spec.workers,
    concurrentTasksPerWorker: 1,
    // First in, first out. The batch scheduler never gives piscina more batches than workers, so
    // its queue stays empty; kept for the info round trips (measured before batching: piscina's
    // default order starved 4 of 16 cameras under overload).
    stricterFIFO: true,
    // Workers live as long as the pool (a number above Node's timer limit would fire at once).
    idleTimeout: Infinity,
    workerData: settings,
    resourceLimits: WORKER_RESOURCE_LIMITS,
  });
  const requested = spec.provider.requested;
  try {
    // One round trip per worker (each takes one: a worker runs one task at a time) proves every
    // worker loaded its models, and says which execution provider is in use. Waiting for all, not
    // the first: closing a pool while a worker still loads its sessions aborts the process
    // (onnxruntime-node throws into a terminating thread), and a refused swap closes it at once.
    const infos = (await Promise.all(Array.from({ length: spec.workers }, () => pool.run({ kind: 'info' })))) as WorkerInfo[];
    const info = infos[0] as WorkerInfo;
    if (info.providerError !== undefined) {
      throw new VigilError('VIGIL_ERR_EXECUTION_PROVIDER', `inference.provider ${requested}: ${info.providerError}`, { requested });
    }
    if (info.fallbackReason !== undefined) {
      // `auto` where no GPU provider is installed is not worth a warning; an explicit GPU request,
      // or an installed provider that failed to load, is.
      const expected = requested === 'auto' && /is not installed/.test(info.fallbackReason);
      spec.logger[expected ? 'info' : 'warn']({ wanted: requested, reason: info.fallbackReason }, 'execution provider unavailable; using CPU');
    }
    return { pool, info, hashes, workers: spec.workers };
  } catch (error) {
    await pool.destroy();
    throw asVigilError(error, 'VIGIL_ERR_MODEL_LOAD');
  }
}
