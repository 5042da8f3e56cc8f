import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { Logger } from 'pino';
import { StateHolder, withTimeout, type Component } from '../lifecycle';
import { VigilError, asVigilError } from '../errors';
import { MODELS_DIR, WORKERS_DIR } from '../project-paths';
import type { DetectResult, DetectTask, DetectorSettings, WorkerInfo } from '../../workers/protocol';
import { verifyModel } from './model-manifest';

export type PoolState = 'idle' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed';

export interface DetectorPoolOptions {
  readonly workers: number;
  readonly executionProviders: readonly ('cuda' | 'cpu')[];
  readonly intraOpThreads: number;
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
  readonly modelsDir?: string;
  readonly logger: Logger;
  /** Called with each inference's duration, for the metrics histogram. */
  readonly onInference?: (ms: number) => void;
}

/**
 * The worker-thread pool that runs the face detector. Frames are moved to a worker and back
 * (ArrayBuffer transfer, no copy). The model's hash is checked before any worker starts.
 */
export class DetectorPool implements Component<PoolState> {
  readonly name = 'inference-pool';
  readonly #options: DetectorPoolOptions;
  readonly #state = new StateHolder<PoolState>('idle');
  #pool: Piscina | null = null;
  #info: WorkerInfo | null = null;

  constructor(options: DetectorPoolOptions) {
    this.#options = options;
  }

  get state(): PoolState {
    return this.#state.state;
  }

  get info(): WorkerInfo | null {
    return this.#info;
  }

  /** Tasks waiting for a free worker. */
  get queueSize(): number {
    return this.#pool?.queueSize ?? 0;
  }

  async start(): Promise<void> {
    if (this.#pool) return;
    this.#state.set('starting');
    const o = this.#options;
    try {
      const modelPath = await verifyModel(o.modelsDir ?? MODELS_DIR, 'detector');
      const settings: DetectorSettings = {
        modelPath,
        executionProviders: o.executionProviders,
        intraOpThreads: o.intraOpThreads,
        scoreThreshold: o.scoreThreshold,
        iouThreshold: o.iouThreshold,
        maxFaces: o.maxFaces,
      };
      this.#pool = new Piscina({
        filename: join(WORKERS_DIR, 'detect-worker.js'),
        minThreads: o.workers,
        maxThreads: o.workers,
        concurrentTasksPerWorker: 1,
        idleTimeout: Number.MAX_SAFE_INTEGER,
        workerData: settings,
      });
      // One round trip proves the model loads; its answer says which execution provider is in use.
      this.#info = (await this.#pool.run({ kind: 'info' })) as WorkerInfo & { fallbackReason?: string };
      const fallback = (this.#info as { fallbackReason?: string }).fallbackReason;
      if (fallback) o.logger.warn({ wanted: o.executionProviders, reason: fallback }, 'execution provider unavailable; using CPU');
      o.logger.info({ workers: o.workers, executionProvider: this.#info.executionProvider }, 'inference pool ready');
      this.#state.set('ready');
    } catch (error) {
      await this.#pool?.destroy();
      this.#pool = null;
      const failure = asVigilError(error, 'VIGIL_ERR_MODEL_LOAD');
      this.#state.set('failed', failure.message);
      throw failure;
    }
  }

  /** Detects faces in an RGB24 frame. The buffer is detached while the worker holds it and comes back in the result. */
  async detect(pixels: ArrayBuffer, width: number, height: number): Promise<DetectResult> {
    const pool = this.#pool;
    if (!pool || this.state !== 'ready') throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', `inference pool is ${this.state}`);
    const task: DetectTask = { kind: 'detect', pixels, width, height };
    try {
      const result = (await pool.run(task, { transferList: [pixels] })) as DetectResult;
      this.#options.onInference?.(result.inferenceMs);
      return result;
    } catch (error) {
      throw asVigilError(error, 'VIGIL_ERR_INFERENCE_FAILED');
    }
  }

  async close(timeoutMs = 5000): Promise<void> {
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
    const pool = this.#pool;
    this.#pool = null;
    void pool?.destroy();
    this.#state.set('closed');
  }
}
