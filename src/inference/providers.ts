import type { ExecutionProvider, ProviderRequest } from '../../workers/protocol';
import type { BatchLimits } from './batch-policy';

/**
 * From the `inference` configuration to what the pool runs: which execution providers, how many
 * workers, which batch limits. Pure, table-tested (test/unit/inference/providers.test.ts).
 */

export type ProviderChoice = 'auto' | ExecutionProvider;

export interface ProviderSettings {
  /** `auto`: CUDA when its provider is installed and a GPU answers, else CPU. */
  readonly provider?: ProviderChoice | undefined;
  /** The older form, still accepted: tried in order; `cpu` in the list allows falling back to it. */
  readonly executionProviders?: readonly ExecutionProvider[] | undefined;
  /** A requested GPU provider that cannot load: run on CPU (with a warning) instead of refusing to start. */
  readonly allowCpuFallback?: boolean | undefined;
  readonly deviceId?: number | undefined;
}

export interface ResolvedProvider {
  /** What was asked for, for /readyz and the logs: `auto`, `cuda`, or the list (`cuda,cpu`). */
  readonly requested: string;
  readonly request: ProviderRequest;
  /** Whether the models are meant for an accelerator (batch and worker defaults differ). */
  readonly accelerated: boolean;
}

export function resolveProvider(settings: ProviderSettings): ResolvedProvider {
  const deviceId = settings.deviceId ?? 0;
  if (settings.provider === undefined) {
    const list = settings.executionProviders ?? ['cpu'];
    const chain = list.filter((p) => p !== 'cpu');
    const allowCpuFallback = list.includes('cpu') || settings.allowCpuFallback === true;
    return {
      requested: list.join(','),
      request: { chain: chain.length > 0 ? chain : ['cpu'], allowCpuFallback, deviceId },
      accelerated: chain.length > 0,
    };
  }
  const fallback = settings.allowCpuFallback === true;
  switch (settings.provider) {
    case 'cpu':
      return { requested: 'cpu', request: { chain: ['cpu'], allowCpuFallback: false, deviceId }, accelerated: false };
    case 'auto':
      // Asking for "whatever is there" cannot fail for want of a GPU.
      return { requested: 'auto', request: { chain: ['cuda'], allowCpuFallback: true, deviceId }, accelerated: true };
    case 'tensorrt':
      // Nodes TensorRT cannot build go to CUDA rather than to the CPU.
      return { requested: 'tensorrt', request: { chain: ['tensorrt', 'cuda'], allowCpuFallback: fallback, deviceId }, accelerated: true };
    default:
      return { requested: settings.provider, request: { chain: [settings.provider], allowCpuFallback: fallback, deviceId }, accelerated: true };
  }
}

/**
 * `workers: auto`. On CPU, one per core: decoding (ffmpeg) needs far less than a core per
 * camera at analysis sizes (8 cameras at 640x360: about a quarter of one core), and measured on
 * 2 cores with 8 cameras, 2 workers analysed 1.7-2x the frames of 1 (loadtest/README.md,
 * "Worker count"). On a GPU the workers only prepare batches and wait for the accelerator,
 * whose concurrent runs are capped: two more than the cap keep it fed.
 */
export function resolveWorkers(workers: number | 'auto', machine: { cores: number; accelerated: boolean; gpuRuns: number }): number {
  if (workers !== 'auto') return workers;
  const cores = Math.max(1, machine.cores);
  return machine.accelerated ? Math.min(cores, machine.gpuRuns + 2) : cores;
}

export interface BatchSettings {
  readonly maxFrames?: number | 'auto' | undefined;
  readonly maxFaces?: number | 'auto' | undefined;
  readonly maxWaitMs?: number | 'auto' | undefined;
}

export interface ResolvedBatch {
  readonly frames: BatchLimits;
  readonly faces: BatchLimits;
}

/**
 * Defaults by measurement (loadtest/README.md, "Batching"): on CPU a bigger batch costs more per
 * frame, not less (the activations leave the cache), so batches stay small and nothing waits for
 * company; on a GPU one run of many frames costs little more than one of a few.
 */
export const BATCH_DEFAULTS = {
  cpu: { maxFrames: 4, maxFaces: 4, maxWaitMs: 0 },
  gpu: { maxFrames: 16, maxFaces: 32, maxWaitMs: 2 },
} as const;

export function resolveBatch(settings: BatchSettings, accelerated: boolean): ResolvedBatch {
  const d = accelerated ? BATCH_DEFAULTS.gpu : BATCH_DEFAULTS.cpu;
  const pick = (v: number | 'auto' | undefined, fallback: number): number => (v === undefined || v === 'auto' ? fallback : v);
  const maxWaitMs = pick(settings.maxWaitMs, d.maxWaitMs);
  return {
    frames: { maxSize: pick(settings.maxFrames, d.maxFrames), maxWaitMs },
    faces: { maxSize: pick(settings.maxFaces, d.maxFaces), maxWaitMs },
  };
}
