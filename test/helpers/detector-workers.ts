import { join } from 'node:path';
import pino from 'pino';
import { resolveBatch, resolveProvider } from '../../src/inference';
import { openWorkers, type Opened, type WorkerSpec } from '../../src/inference/worker-threads';
import { ROOT } from './paths';

/** Detector-only inference worker threads on CPU, with the repository's models; `spec` overrides any setting. */
export function openDetectorWorkers(spec: Partial<WorkerSpec> = {}): Promise<Opened> {
  return openWorkers({
    modelsDir: join(ROOT, 'models'),
    analysis: false,
    tiles: false,
    provider: resolveProvider({ provider: 'cpu' }),
    intraOpThreads: 1,
    nice: 0,
    detection: { scoreThreshold: 0.5, iouThreshold: 0.4, maxFaces: 10 },
    workers: 2,
    batch: resolveBatch({}, false),
    gpuRuns: 1,
    logger: pino({ level: 'silent' }),
    ...spec,
  });
}
