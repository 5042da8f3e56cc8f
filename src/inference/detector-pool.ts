import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import { StateHolder, withTimeout, type Component } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { MODELS_DIR } from '../config';
import type { Box, DetectFrame, DetectResult, EmbedFrame, EmbedResult, LivenessFrame, LivenessResult, Point, WorkerInfo } from '../../workers/protocol';
import { readManifest, verifyModel } from './model-manifest';
import { ModelWatcher } from './model-watcher';
import { openWorkers, type Opened } from './worker-threads';
import type { BatchLane, BatchScheduler } from './batch-scheduler';
import { createLanes, frameProblem, takeOwnership, type DetectRequest } from './pool-lanes';
import { embedCrop, embedCropOn } from './crop-embedding';
import { resolveBatch, resolveProvider, resolveWorkers, type ResolvedBatch, type ResolvedProvider } from './providers';
import type { DetectorPoolOptions, PoolDescription, PoolState } from './pool-options';

export type { DetectorPoolOptions, PoolDescription, PoolState } from './pool-options';

const DEFAULT_GPU_RUNS = 1;

/**
 * The worker-thread pool that runs the face models. Frames from every camera queue in arrival
 * order and go to the workers in batches (one detector run for many frames, one embedding run
 * for many faces; see batch-policy.ts for when a batch leaves). Frames are moved to a worker and
 * back (ArrayBuffer transfer, no copy). Model hashes are checked before any worker starts; a
 * changed model is verified and swapped in by replacing the whole pool, so batches already
 * running finish on the old workers and a bad file never replaces a good one.
 */
export class DetectorPool implements Component<PoolState> {
  readonly name = 'inference-pool';
  readonly #options: DetectorPoolOptions;
  readonly #state = new StateHolder<PoolState>('idle');
  readonly #provider: ResolvedProvider;
  #pool: Piscina | null = null;
  #info: WorkerInfo | null = null;
  #workers = 0;
  #batch: ResolvedBatch;
  #scheduler: BatchScheduler | null = null;
  #detectLane: BatchLane<DetectRequest, DetectResult | null> | null = null;
  #embedLane: BatchLane<EmbedFrame, EmbedResult> | null = null;
  #livenessLane: BatchLane<LivenessFrame, LivenessResult> | null = null;
  #watcher: ModelWatcher | null = null;
  /** sha256 of each loaded model, to tell a real change from a touch. */
  #loaded: Record<string, string> = {};
  #reloading: Promise<void> | null = null;
  #reloadAgain = false;

  constructor(options: DetectorPoolOptions) {
    this.#options = options;
    this.#provider = resolveProvider({ ...options, deviceId: options.gpu?.deviceId });
    this.#batch = resolveBatch(options.batch ?? {}, this.#provider.accelerated);
  }

  get state(): PoolState {
    return this.#state.state;
  }

  get info(): WorkerInfo | null {
    return this.#info;
  }

  /** sha256 of the models in use, by manifest name. */
  get loadedModels(): Readonly<Record<string, string>> {
    return this.#loaded;
  }

  /** Frames and embedding requests waiting for a worker. */
  get queueSize(): number {
    return this.#scheduler?.queued ?? 0;
  }

  describe(): PoolDescription {
    const accelerated = this.#info !== null && this.#info.executionProvider !== 'cpu';
    return {
      executionProvider: this.#info?.executionProvider ?? null,
      requestedProvider: this.#provider.requested,
      fallbackReason: this.#info?.fallbackReason ?? null,
      workers: this.#workers,
      batch: { maxFrames: this.#batch.frames.maxSize, maxFaces: this.#batch.faces.maxSize, maxWaitMs: this.#batch.frames.maxWaitMs },
      gpuConcurrentRuns: accelerated ? this.#gpuRuns() : null,
      batchedModels: (this.#info?.batchedDetector ?? false) && (this.#info?.models.includes('embedding') ? this.#info.batchedEmbedding : true),
    };
  }

  #gpuRuns(): number {
    return this.#options.gpu?.maxConcurrentRuns ?? DEFAULT_GPU_RUNS;
  }

  async start(): Promise<void> {
    if (this.#pool) return;
    this.#state.set('starting');
    try {
      let opened = await this.#open(this.#provider.accelerated);
      // `auto` asked for a GPU and got the CPU (or the other way round): size the pool for what it got.
      const onGpu = opened.info.executionProvider !== 'cpu';
      if (onGpu !== this.#provider.accelerated && this.#options.workers === 'auto' && this.#workerCount(onGpu) !== opened.workers) {
        await opened.pool.destroy();
        opened = await this.#open(onGpu);
      }
      this.#adopt(opened);
      this.#batch = resolveBatch(this.#options.batch ?? {}, onGpu);
      this.#scheduler = this.#newScheduler(opened.workers);
      this.#state.set('ready');
    } catch (error) {
      const failure = asVigilError(error, 'VIGIL_ERR_MODEL_LOAD');
      this.#state.set('failed', failure.message);
      throw failure;
    }
    const o = this.#options;
    o.onProvider?.(this.describe());
    o.logger.info({ ...this.describe() }, 'inference pool ready');
    if (o.watchModels) {
      this.#watcher = new ModelWatcher(o.modelsDir ?? MODELS_DIR, o.watchDebounceMs ?? 500, () => void this.reload(), (error) => o.logger.warn({ err: error.message }, 'models folder watcher failed; watching again shortly'));
      this.#watcher.start();
    }
  }

  #workerCount(accelerated: boolean): number {
    return resolveWorkers(this.#options.workers, { cores: availableParallelism(), accelerated, gpuRuns: this.#gpuRuns() });
  }

  #adopt(opened: Opened): void {
    this.#pool = opened.pool;
    this.#info = opened.info;
    this.#loaded = opened.hashes;
    this.#workers = opened.workers;
  }

  #newScheduler(workers: number): BatchScheduler {
    const o = this.#options;
    const lanes = createLanes(workers, {
      batch: () => this.#batch,
      pool: () => this.#ready(),
      ...(o.onBatch && { onBatch: o.onBatch }),
      ...(o.onInference && { onInference: o.onInference }),
    });
    this.#detectLane = lanes.detect;
    this.#embedLane = lanes.embed;
    this.#livenessLane = lanes.liveness;
    return lanes.scheduler;
  }

  /** Verifies every model against the manifest and starts workers with them; throws a clear error otherwise. */
  #open(accelerated: boolean): Promise<Opened> {
    const o = this.#options;
    return openWorkers({
      modelsDir: o.modelsDir ?? MODELS_DIR,
      analysis: o.analysis ?? false,
      tiles: o.tiles ?? false,
      provider: this.#provider,
      intraOpThreads: o.intraOpThreads,
      nice: o.workerNice ?? 0,
      detection: { scoreThreshold: o.scoreThreshold, iouThreshold: o.iouThreshold, maxFaces: o.maxFaces },
      workers: this.#workerCount(accelerated),
      batch: resolveBatch(o.batch ?? {}, accelerated),
      gpuRuns: this.#gpuRuns(),
      logger: o.logger,
    });
  }

  /**
   * Re-verifies the models and swaps in a new pool when a hash changed. A file that does not
   * match the manifest (or does not load) is refused with a clear error and the old models keep
   * serving. Calls during a reload are coalesced into one more reload afterwards.
   */
  async reload(): Promise<void> {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = this.#reloadOnce().finally(() => {
      this.#reloading = null;
      if (this.#reloadAgain) {
        this.#reloadAgain = false;
        void this.reload();
      }
    });
    return this.#reloading;
  }

  async #reloadOnce(): Promise<void> {
    const o = this.#options;
    if (this.state !== 'ready') return;
    let manifestHashes: Record<string, string>;
    try {
      const manifest = readManifest(o.modelsDir ?? MODELS_DIR);
      manifestHashes = Object.fromEntries(Object.keys(this.#loaded).map((n) => [n, manifest.models[n]?.sha256 ?? '']));
    } catch (error) {
      return this.#refused(asVigilError(error, 'VIGIL_ERR_MODEL_MISSING'));
    }
    const changed = Object.keys(this.#loaded).filter((n) => manifestHashes[n] !== this.#loaded[n]);
    let opened: Opened;
    try {
      // Even with an unchanged manifest a file may have been overwritten: verify before calling it unchanged.
      if (changed.length === 0) {
        for (const name of Object.keys(this.#loaded)) await verifyModel(o.modelsDir ?? MODELS_DIR, name);
        o.onModelReload?.('unchanged');
        return;
      }
      opened = await this.#open(this.#info?.executionProvider !== 'cpu');
    } catch (error) {
      return this.#refused(asVigilError(error, 'VIGIL_ERR_MODEL_LOAD'));
    }
    let commit: (() => void) | null = null;
    const embedding = opened.hashes.embedding;
    if (changed.includes('embedding') && embedding !== undefined && o.onEmbeddingModelChange) {
      try {
        commit = await o.onEmbeddingModelChange(embedding, (crop) => embedCropOn(opened.pool, crop));
      } catch (error) {
        // Closed, not destroyed: a worker thread terminated with its sessions loaded can abort the process (onnxruntime-node).
        await opened.pool.close().catch(() => opened.pool.destroy());
        return this.#refused(asVigilError(error, 'VIGIL_ERR_EMBEDDING_MODEL_CHANGED'));
      }
    }
    if (this.state !== 'ready') {
      await opened.pool.destroy();
      return;
    }
    const old = this.#pool;
    // Same worker count (the scheduler's capacity): the swap changes models, not the pool's shape.
    this.#adopt({ ...opened, workers: this.#workers });
    // In the same turn as the adoption: no search runs between the gallery's switch and the model's.
    commit?.();
    o.logger.info({ models: changed, sha256: Object.fromEntries(changed.map((n) => [n, opened.hashes[n]])) }, 'models swapped in');
    o.onModelReload?.('swapped');
    // Batches already on the old workers finish there; close() waits for them.
    await old?.close().catch(() => old.destroy());
  }

  #refused(error: VigilError): void {
    this.#options.logger.error({ err: error.toJSON() }, 'model change refused; the loaded models keep serving');
    this.#options.onModelReload?.('refused', error);
  }

  #ready(): Piscina {
    const pool = this.#pool;
    if (!pool || (this.state !== 'ready' && this.state !== 'closing')) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', `inference pool is ${this.state}`);
    return pool;
  }

  #accepting(): void {
    if (this.state !== 'ready' || !this.#scheduler) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', `inference pool is ${this.state}`);
  }

  /**
   * Detects faces in an RGB24 frame; with `analyze`, each face also gets landmarks, quality and
   * liveness (unless `liveness` is false). The buffer is detached at once (it belongs to the pool until the result hands it
   * back), waits in the queue with frames from other cameras, and runs in a batch with them.
   */
  async detect(pixels: ArrayBuffer, width: number, height: number, analyze = false, liveness = true): Promise<DetectResult> {
    this.#accepting();
    const problem = frameProblem(pixels, width, height);
    if (problem) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', problem, { width, height });
    const frame: DetectFrame = { pixels: takeOwnership(pixels), width, height, analyze, liveness };
    const result = await (this.#detectLane as BatchLane<DetectRequest, DetectResult | null>).submit({ take: () => frame });
    if (!result) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the frame was not analysed');
    return result;
  }

  /**
   * Detects faces in the frame `take` returns when a worker is free for it: a camera queued behind
   * others is analysed on its newest frame rather than on the one it had when it asked. Resolves
   * null when `take` had no frame by then. The frame's buffer moves as with `detect`.
   */
  async detectLatest(take: () => DetectFrame | undefined): Promise<DetectResult | null> {
    this.#accepting();
    return (this.#detectLane as BatchLane<DetectRequest, DetectResult | null>).submit({ take });
  }


  /** Embeds faces of a frame from their five landmarks, batched with other frames' faces. The buffer moves to the worker and back. */
  async embed(pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]): Promise<EmbedResult> {
    this.#accepting();
    const problem = frameProblem(pixels, width, height);
    if (problem) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', problem, { width, height });
    if (faces.length === 0) return { embeddings: [], crops: [], pixels, inferenceMs: 0 };
    return (this.#embedLane as BatchLane<EmbedFrame, EmbedResult>).submit({ pixels: takeOwnership(pixels), width, height, faces });
  }

  /**
   * Liveness of faces of a frame (one score per box, in order), batched with other frames' faces:
   * a track's best view, scored once when an event reports it. The buffer moves to the worker and back.
   */
  async liveness(pixels: ArrayBuffer, width: number, height: number, boxes: readonly Box[]): Promise<LivenessResult> {
    this.#accepting();
    const problem = frameProblem(pixels, width, height);
    if (problem) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', problem, { width, height });
    if (boxes.length === 0) return { liveness: [], pixels, inferenceMs: 0 };
    return (this.#livenessLane as BatchLane<LivenessFrame, LivenessResult>).submit({ pixels: takeOwnership(pixels), width, height, boxes });
  }

  /** The embedding of a stored aligned crop (re-embedding the gallery), through the embedding lane. */
  embedCrop(crop: Uint8Array): Promise<Float32Array> {
    return embedCrop((pixels, width, height, faces) => this.embed(pixels, width, height, faces), crop);
  }

  async close(timeoutMs = 5000): Promise<void> {
    this.#watcher?.close();
    await this.#reloading;
    const pool = this.#pool;
    if (!pool) return;
    this.#state.set('closing');
    const scheduler = this.#scheduler;
    try {
      // Queued frames still run (without waiting for company); then the workers stop.
      await withTimeout(
        (async () => {
          await scheduler?.drain();
          await pool.close();
        })(),
        timeoutMs,
        () => new VigilError('VIGIL_ERR_SHUTDOWN_TIMEOUT', 'inference pool did not drain in time'),
      );
    } catch {
      await pool.destroy();
    }
    scheduler?.close(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool is closed'));
    this.#pool = null;
    this.#state.set('closed');
  }

  destroy(): void {
    this.#watcher?.close();
    const pool = this.#pool;
    this.#pool = null;
    this.#scheduler?.close(new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'inference pool is closed'));
    void pool?.destroy();
    this.#state.set('closed');
  }
}
