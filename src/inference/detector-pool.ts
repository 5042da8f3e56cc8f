import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { StateHolder, withTimeout, type Component } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { MODELS_DIR, WORKERS_DIR } from '../config';
import type { DetectResult, DetectTask, DetectorSettings, EmbedResult, EmbedTask, Point, WorkerInfo } from '../../workers/protocol';
import { readManifest, verifyModel } from './model-manifest';
import { ModelWatcher } from './model-watcher';

export type PoolState = 'idle' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed';

export interface DetectorPoolOptions {
  readonly workers: number;
  readonly executionProviders: readonly ('cuda' | 'cpu')[];
  readonly intraOpThreads: number;
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
  /** Called with each inference's duration, for the metrics histogram. */
  readonly onInference?: (ms: number) => void;
  /** Called after each hot-swap attempt. */
  readonly onModelReload?: (result: 'swapped' | 'refused' | 'unchanged', error?: VigilError) => void;
}

const ANALYSIS_MODELS = ['landmarks', 'embedding', 'liveness'] as const;

/**
 * The worker-thread pool that runs the face models. Frames are moved to a worker and back
 * (ArrayBuffer transfer, no copy). Model hashes are checked before any worker starts; a changed
 * model is verified and swapped in by replacing the whole pool, so tasks already running finish
 * on the old workers and a bad file never replaces a good one.
 */
export class DetectorPool implements Component<PoolState> {
  readonly name = 'inference-pool';
  readonly #options: DetectorPoolOptions;
  readonly #state = new StateHolder<PoolState>('idle');
  #pool: Piscina | null = null;
  #info: WorkerInfo | null = null;
  #watcher: ModelWatcher | null = null;
  /** sha256 of each loaded model, to tell a real change from a touch. */
  #loaded: Record<string, string> = {};
  #reloading: Promise<void> | null = null;
  #reloadAgain = false;

  constructor(options: DetectorPoolOptions) {
    this.#options = options;
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

  /** Tasks waiting for a free worker. */
  get queueSize(): number {
    return this.#pool?.queueSize ?? 0;
  }

  async start(): Promise<void> {
    if (this.#pool) return;
    this.#state.set('starting');
    try {
      const { pool, info, hashes } = await this.#open();
      this.#pool = pool;
      this.#info = info;
      this.#loaded = hashes;
      this.#state.set('ready');
    } catch (error) {
      const failure = asVigilError(error, 'VIGIL_ERR_MODEL_LOAD');
      this.#state.set('failed', failure.message);
      throw failure;
    }
    const o = this.#options;
    if (o.watchModels) {
      this.#watcher = new ModelWatcher(o.modelsDir ?? MODELS_DIR, o.watchDebounceMs ?? 500, () => void this.reload(), (error) => o.logger.warn({ err: error.message }, 'models folder watcher failed; watching again shortly'));
      this.#watcher.start();
    }
  }

  /** Verifies every model against the manifest and starts workers with them; throws a clear error otherwise. */
  async #open(): Promise<{ pool: Piscina; info: WorkerInfo; hashes: Record<string, string> }> {
    const o = this.#options;
    const dir = o.modelsDir ?? MODELS_DIR;
    const manifest = readManifest(dir);
    const names = ['detector', ...(o.analysis ? ANALYSIS_MODELS : [])];
    const paths: Record<string, string> = {};
    const hashes: Record<string, string> = {};
    for (const name of names) {
      paths[name] = await verifyModel(dir, name, manifest);
      hashes[name] = manifest.models[name]?.sha256 ?? '';
    }
    const settings: DetectorSettings = {
      modelPath: paths.detector as string,
      ...(o.analysis && { landmarksPath: paths.landmarks as string, embeddingPath: paths.embedding as string, livenessPath: paths.liveness as string }),
      tiles: o.tiles ?? false,
      executionProviders: o.executionProviders,
      intraOpThreads: o.intraOpThreads,
      scoreThreshold: o.scoreThreshold,
      iouThreshold: o.iouThreshold,
      maxFaces: o.maxFaces,
    };
    const pool = new Piscina({
      filename: join(WORKERS_DIR, 'detect-worker.js'),
      minThreads: o.workers,
      maxThreads: o.workers,
      concurrentTasksPerWorker: 1,
      // First in, first out: each camera keeps one task queued, and piscina's default queueing
      // moves some of them to the back again and again, so under overload those cameras were
      // never analysed (measured: 4 of 16 cameras at 0 fps, latency p99 9.6 s).
      stricterFIFO: true,
      // Workers live as long as the pool (a number above Node's timer limit would fire at once).
      idleTimeout: Infinity,
      workerData: settings,
    });
    try {
      // One round trip proves the models load; its answer says which execution provider is in use.
      const info = (await pool.run({ kind: 'info' })) as WorkerInfo & { fallbackReason?: string };
      if (info.fallbackReason) o.logger.warn({ wanted: o.executionProviders, reason: info.fallbackReason }, 'execution provider unavailable; using CPU');
      o.logger.info({ workers: o.workers, executionProvider: info.executionProvider, models: info.models }, 'inference pool ready');
      return { pool, info, hashes };
    } catch (error) {
      await pool.destroy();
      throw asVigilError(error, 'VIGIL_ERR_MODEL_LOAD');
    }
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
    let opened: { pool: Piscina; info: WorkerInfo; hashes: Record<string, string> };
    try {
      // Even with an unchanged manifest a file may have been overwritten: verify before calling it unchanged.
      if (changed.length === 0) {
        for (const name of Object.keys(this.#loaded)) await verifyModel(o.modelsDir ?? MODELS_DIR, name);
        o.onModelReload?.('unchanged');
        return;
      }
      opened = await this.#open();
    } catch (error) {
      return this.#refused(asVigilError(error, 'VIGIL_ERR_MODEL_LOAD'));
    }
    if (this.state !== 'ready') {
      await opened.pool.destroy();
      return;
    }
    const old = this.#pool;
    this.#pool = opened.pool;
    this.#info = opened.info;
    this.#loaded = opened.hashes;
    o.logger.info({ models: changed, sha256: Object.fromEntries(changed.map((n) => [n, opened.hashes[n]])) }, 'models swapped in');
    o.onModelReload?.('swapped');
    // Tasks already on the old workers finish there; close() waits for them.
    await old?.close().catch(() => old.destroy());
  }

  #refused(error: VigilError): void {
    this.#options.logger.error({ err: error.toJSON() }, 'model change refused; the loaded models keep serving');
    this.#options.onModelReload?.('refused', error);
  }

  #ready(): Piscina {
    const pool = this.#pool;
    if (!pool || this.state !== 'ready') throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', `inference pool is ${this.state}`);
    return pool;
  }

  /**
   * Detects faces in an RGB24 frame; with `analyze`, each face also gets landmarks, quality and
   * liveness. The buffer is detached while the worker holds it and comes back in the result.
   */
  async detect(pixels: ArrayBuffer, width: number, height: number, analyze = false): Promise<DetectResult> {
    const pool = this.#ready();
    const task: DetectTask = { kind: 'detect', pixels, width, height, analyze };
    try {
      const result = (await pool.run(task, { transferList: [pixels] })) as DetectResult;
      this.#options.onInference?.(result.inferenceMs);
      return result;
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_INFERENCE_FAILED');
    }
  }

  /** Embeds faces of a frame from their five landmarks. The buffer moves to the worker and back. */
  async embed(pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]): Promise<EmbedResult> {
    const pool = this.#ready();
    const task: EmbedTask = { kind: 'embed', pixels, width, height, faces };
    try {
      return (await pool.run(task, { transferList: [pixels] })) as EmbedResult;
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_INFERENCE_FAILED');
    }
  }

  async close(timeoutMs = 5000): Promise<void> {
    this.#watcher?.close();
    await this.#reloading;
    const pool = this.#pool;
    if (!pool) return;
    this.#pool = null;
    this.#state.set('closing');
    try {
      await withTimeout(pool.close(), timeoutMs, () => new VigilError('VIGIL_ERR_SHUTDOWN_TIMEOUT', 'inference pool did not drain in time'));
    } catch {
      await pool.destroy();
    }
    this.#state.set('closed');
  }

  destroy(): void {
    this.#watcher?.close();
    const pool = this.#pool;
    this.#pool = null;
    void pool?.destroy();
    this.#state.set('closed');
  }
}
