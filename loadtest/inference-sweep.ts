import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DetectorPool, verifyModel, type BatchFigures, type DetectorPoolOptions, type Point, type resolveProvider } from '../src/inference';
import { MODELS_DIR } from '../src/config';
import { createLogger } from '../src/observability';
import { openSession, ort } from '../workers/onnx-session';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, toDetectorInput } from '../workers/face-detection/preprocess';
import { ANALYSIS } from './media';
import { MachineLoad } from './proc-stats';

/**
 * Throughput against batch size: the pool with `maxFrames` (or `maxFaces`) = B and enough
 * callers to fill every batch, and the bare model run at batch B on the same provider. Each
 * point skips its first second.
 */

const WARM_UP_MS = 1000;
const DETECTION = { scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100 };

export interface SweepPoint {
  readonly batch: number;
  /** Pool: frames (or faces) per second, faces found per second (detector), mean batch actually formed. */
  readonly perSecond: number;
  readonly facesFoundPerSecond: number;
  readonly meanBatch: number;
  /** Worker time in the model per image, and the pool's whole CPU (100 = one core). */
  readonly modelMsPerImage: number;
  readonly cpuPercent: number;
  /** The bare model at this batch size: images per second, and its CPU. */
  readonly barePerSecond: number;
  readonly bareCpuPercent: number;
  readonly otherCpuPercent: number;
}

export interface Sweep {
  readonly detector: SweepPoint[];
  readonly embedding: SweepPoint[];
}

interface Window {
  readonly seconds: number;
  readonly cpuPercent: number;
  readonly otherCpuPercent: number;
}

/** Runs `loops` until `seconds` after the warm-up have passed; `mark` is called when the window opens. */
async function window(seconds: number, loops: (running: () => boolean) => Promise<unknown>[], mark: () => void): Promise<Window> {
  let running = true;
  const work = loops(() => running);
  try {
    await Promise.race([sleep(WARM_UP_MS), ...work]);
    mark();
    const cpu = process.cpuUsage();
    const machine = new MachineLoad();
    const started = performance.now();
    await Promise.race([sleep(seconds * 1000), ...work]);
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuPercent = ((used.user + used.system) / 1e6 / elapsed) * 100;
    return { seconds: elapsed, cpuPercent, otherCpuPercent: Math.max(0, machine.cpuPercent() - cpuPercent) };
  } finally {
    running = false;
    await Promise.allSettled(work);
  }
}

async function bare(model: 'detector' | 'embedding', batch: number, seconds: number, provider: ReturnType<typeof resolveProvider>, fill: (data: Float32Array) => void): Promise<{ perSecond: number; cpuPercent: number }> {
  const { session } = await openSession(await verifyModel(MODELS_DIR, model), provider.request, 1);
  const shape = model === 'detector' ? [3, DETECTOR_HEIGHT, DETECTOR_WIDTH] : [3, 112, 112];
  const data = new Float32Array(batch * shape.reduce((a, b) => a * b, 1));
  fill(data);
  const feeds = { [session.inputNames[0] ?? 'input']: new ort.Tensor('float32', data, [batch, ...shape]) };
  let runs = 0;
  let start = 0;
  try {
    const w = await window(seconds, (running) => [(async () => { while (running()) { await session.run(feeds); runs += 1; } })()], () => (start = runs));
    return { perSecond: ((runs - start) * batch) / w.seconds, cpuPercent: w.cpuPercent };
  } finally {
    await session.release();
  }
}

/** How the bench's pools are told where to run: as the gateway's `inference` section would say it. */
export type ProviderOptions = Pick<DetectorPoolOptions, 'provider' | 'executionProviders' | 'allowCpuFallback' | 'gpu'>;

function poolFor(options: ProviderOptions & { workers: number }, maxFrames: number, maxFaces: number, analysis: boolean, batches: BatchFigures[]): DetectorPool {
  return new DetectorPool({ ...options, intraOpThreads: 1, ...DETECTION, analysis, batch: { maxFrames, maxFaces, maxWaitMs: 0 }, logger: createLogger('warn', process.stderr), onBatch: (b) => batches.push(b) });
}

export interface SweepOptions {
  readonly frames: readonly ArrayBuffer[];
  readonly sizes: readonly number[];
  readonly seconds: number;
  readonly workers: number;
  readonly provider: ReturnType<typeof resolveProvider>;
  readonly providerOptions: ProviderOptions;
  readonly log: (line: string) => void;
}

export async function runSweep(o: SweepOptions): Promise<Sweep> {
  const { width, height } = ANALYSIS;
  const detector: SweepPoint[] = [];
  const embedding: SweepPoint[] = [];
  // Faces with landmarks, to embed: from one analysing pass over the frames.
  const probe = poolFor({ ...o.providerOptions, workers: 1 }, 1, 1, true, []);
  await probe.start();
  const withFaces: { frame: ArrayBuffer; faces: { landmarks: Point[] }[] }[] = [];
  try {
    for (const frame of o.frames) {
      const r = await probe.detect(frame.slice(0), width, height, true);
      const faces = r.faces.filter((f) => f.landmarks).map((f) => ({ landmarks: f.landmarks as Point[] }));
      if (faces.length > 0) withFaces.push({ frame: r.pixels, faces });
    }
  } finally {
    await probe.close();
  }
  if (withFaces.length === 0) throw new Error('no faces found in the bench frames to embed');
  const prepared = o.frames.map((f) => {
    const data = new Float32Array(3 * DETECTOR_WIDTH * DETECTOR_HEIGHT);
    toDetectorInput(new Uint8Array(f), width, height, data);
    return data;
  });
  for (const size of o.sizes) {
    o.log(`  batch ${size}: detector (pool, then bare), then embedding (pool, then bare)`);
    detector.push(await point(o, size, 'detect', (pool, running, counts) => {
      // Enough callers that every worker's next batch is full when its current one ends.
      const callers = Array.from({ length: 2 * size * o.workers }, (_, c) => c);
      return callers.map(async (c) => {
        let buffer = (o.frames[c % o.frames.length] as ArrayBuffer).slice(0);
        while (running()) {
          const r = await pool.detect(buffer, width, height);
          counts.items += 1;
          counts.found += r.faces.length;
          buffer = r.pixels;
        }
      });
    }, (data) => {
      const per = 3 * DETECTOR_WIDTH * DETECTOR_HEIGHT;
      for (let k = 0; k * per < data.length; k++) data.set(prepared[k % prepared.length] as Float32Array, k * per);
    }));
    const meanFaces = withFaces.reduce((n, w) => n + w.faces.length, 0) / withFaces.length;
    embedding.push(await point(o, size, 'embed', (pool, running, counts) => {
      const callers = Array.from({ length: Math.ceil((2 * size * o.workers) / meanFaces) }, (_, c) => c);
      return callers.map(async (c) => {
        const mine = withFaces[c % withFaces.length] as (typeof withFaces)[number];
        let buffer = mine.frame.slice(0);
        while (running()) {
          const r = await pool.embed(buffer, width, height, mine.faces);
          counts.items += r.embeddings.length;
          buffer = r.pixels;
        }
      });
    }, (data) => {
      for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 255) / 128 - 1;
    }));
  }
  return { detector, embedding };
}

async function point(
  o: SweepOptions,
  size: number,
  lane: 'detect' | 'embed',
  callers: (pool: DetectorPool, running: () => boolean, counts: { items: number; found: number }) => Promise<void>[],
  fill: (data: Float32Array) => void,
): Promise<SweepPoint> {
  const batches: BatchFigures[] = [];
  const pool = poolFor({ ...o.providerOptions, workers: o.workers }, lane === 'detect' ? size : 1, lane === 'embed' ? size : 1, lane === 'embed', batches);
  await pool.start();
  const counts = { items: 0, found: 0 };
  let start = { items: 0, found: 0, batches: 0 };
  let w: Window;
  try {
    w = await window(o.seconds, (running) => callers(pool, running, counts), () => (start = { ...counts, batches: batches.length }));
  } finally {
    await pool.close();
  }
  const measured = batches.slice(start.batches).filter((b) => b.lane === lane);
  const images = measured.reduce((n, b) => n + b.items, 0);
  const b = await bare(lane === 'detect' ? 'detector' : 'embedding', size, o.seconds, o.provider, fill);
  return {
    batch: size,
    perSecond: (counts.items - start.items) / w.seconds,
    facesFoundPerSecond: (counts.found - start.found) / w.seconds,
    meanBatch: images / Math.max(1, measured.length),
    modelMsPerImage: measured.reduce((n, x) => n + x.timings.modelMs, 0) / Math.max(1, images),
    cpuPercent: w.cpuPercent,
    barePerSecond: b.perSecond,
    bareCpuPercent: b.cpuPercent,
    otherCpuPercent: w.otherCpuPercent,
  };
}
