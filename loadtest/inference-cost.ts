import { performance } from 'node:perf_hooks';
import { DetectorPool, resolveProvider, verifyModel, type BatchFigures } from '../src/inference';
import { MODELS_DIR } from '../src/config';
import { createLogger } from '../src/observability';
import { openSession, ort } from '../workers/onnx-session';
import { decodeDetections } from '../workers/face-detection/nms';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, toDetectorInput, type Letterbox } from '../workers/face-detection/preprocess';
import { ANALYSIS } from './media';
import { MachineLoad } from './proc-stats';
import type { ProviderOptions } from './inference-sweep';

/**
 * Where one frame's time goes: the detector inside the pool (one camera, one frame in flight,
 * as the gateway runs it) against the bare model on the same preprocessed input, measured in
 * the same run, one after the other. CPU time is the whole process (worker threads included),
 * which a busy shared machine inflates far less than wall time.
 */

const TENSOR = 3 * DETECTOR_WIDTH * DETECTOR_HEIGHT;
const DETECTION = { scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100 };

export interface Cost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly count: number;
}

export interface PerFrameCost {
  readonly provider: string;
  readonly bareRun: Cost;
  readonly preprocess: Cost;
  readonly decode: Cost;
  /** pool.detect, one frame in flight, detection only. */
  readonly pool: Cost;
  /** The worker's own figures for those frames, ms per frame. */
  readonly worker: { readonly preprocessMs: number; readonly modelMs: number; readonly decodeMs: number; readonly totalMs: number };
  /** How long a lone camera's frame waited in the pool's queue (it should not wait: the pool is idle). */
  readonly queuedMs: number;
  /** With analysis: the extra worker time per face (landmarks, alignment, quality, liveness). */
  readonly analysisPerFaceMs: number;
  readonly facesPerFrame: number;
  readonly otherCpuPercent: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `step` for `seconds` (after a short warm-up) and returns the cost per call. */
async function measure(seconds: number, step: (i: number) => unknown): Promise<Cost> {
  for (let i = 0; i < 5; i++) await step(i);
  const wall0 = performance.now();
  const cpu0 = cpuNow();
  let count = 0;
  while (performance.now() - wall0 < seconds * 1000) await step(count++);
  return { wallMs: (performance.now() - wall0) / count, cpuMs: (cpuNow() - cpu0) / count, count };
}

export async function measurePerFrameCost(frames: readonly ArrayBuffer[], seconds: number, provider: ReturnType<typeof resolveProvider>, providerOptions: ProviderOptions): Promise<PerFrameCost> {
  const machine = new MachineLoad();
  const started = performance.now();
  const ownCpu0 = cpuNow();
  const { width, height } = ANALYSIS;
  const rgb = frames.map((f) => new Uint8Array(f));
  // The bare model: the same file, provider and session options as the workers, fed tensors prepared beforehand.
  const path = await verifyModel(MODELS_DIR, 'detector');
  const { session, provider: used } = await openSession(path, provider.request, 1);
  const inputs = rgb.map((f) => {
    const data = new Float32Array(TENSOR);
    return { data, box: toDetectorInput(f, width, height, data) };
  });
  const tensors = inputs.map((x) => new ort.Tensor('float32', x.data, [1, 3, DETECTOR_HEIGHT, DETECTOR_WIDTH]));
  const outputs: { scores: Float32Array; boxes: Float32Array; box: Letterbox }[] = [];
  const bareRun = await measure(seconds, async (i) => {
    const out = await session.run({ [session.inputNames[0] ?? 'input']: tensors[i % tensors.length] as ort.Tensor });
    if (outputs.length < inputs.length) outputs.push({ scores: out.scores?.data as Float32Array, boxes: out.boxes?.data as Float32Array, box: (inputs[outputs.length] as { box: Letterbox }).box });
  });
  await session.release();
  const scratch = new Float32Array(TENSOR);
  const preprocess = await measure(seconds / 2, (i) => toDetectorInput(rgb[i % rgb.length] as Uint8Array, width, height, scratch));
  const decode = await measure(seconds / 2, (i) => {
    const o = outputs[i % outputs.length] as (typeof outputs)[number];
    return decodeDetections(o.scores, o.boxes, o.box, DETECTION);
  });

  const batches: BatchFigures[] = [];
  const poolOf = (analysis: boolean) =>
    new DetectorPool({ ...providerOptions, workers: 1, intraOpThreads: 1, ...DETECTION, analysis, batch: { maxFrames: 1, maxFaces: 16 }, logger: createLogger('warn', process.stderr), onBatch: (b) => batches.push(b) });
  const pool = poolOf(false);
  await pool.start();
  // The gateway reuses its frame buffers: each frame moves to the worker and comes back, no copy.
  const buffers = frames.map((f) => f.slice(0));
  let poolCost: Cost;
  try {
    poolCost = await measure(seconds, async (i) => {
      const k = i % buffers.length;
      buffers[k] = (await pool.detect(buffers[k] as ArrayBuffer, width, height)).pixels;
    });
  } finally {
    await pool.close();
  }
  const measured = batches.slice(-poolCost.count);
  const mean = (pick: (b: BatchFigures) => number): number => measured.reduce((s, b) => s + pick(b), 0) / Math.max(1, measured.length);
  const worker = { preprocessMs: mean((b) => b.timings.preprocessMs), modelMs: mean((b) => b.timings.modelMs), decodeMs: mean((b) => b.timings.decodeMs), totalMs: mean((b) => b.timings.totalMs) };
  const queuedMs = mean((b) => b.maxQueuedMs);

  batches.length = 0;
  const analysing = poolOf(true);
  await analysing.start();
  let faces = 0;
  try {
    await measure(seconds, async (i) => {
      const k = i % buffers.length;
      const result = await analysing.detect(buffers[k] as ArrayBuffer, width, height, true);
      faces += result.faces.length;
      buffers[k] = result.pixels;
    });
  } finally {
    await analysing.close();
  }
  const analysed = batches.filter((b) => b.lane === 'detect');
  const totalFaces = analysed.length > 0 ? faces : 0;
  const analysisMs = analysed.reduce((s, b) => s + b.timings.analysisMs, 0);
  const elapsed = (performance.now() - started) / 1000;
  const ownCpu = ((cpuNow() - ownCpu0) / 1000 / elapsed) * 100;
  return {
    provider: used,
    bareRun,
    preprocess,
    decode,
    pool: poolCost,
    worker,
    queuedMs,
    analysisPerFaceMs: analysisMs / Math.max(1, totalFaces),
    facesPerFrame: totalFaces / Math.max(1, analysed.length),
    otherCpuPercent: Math.max(0, machine.cpuPercent() - Math.min(ownCpu, machine.cpuPercent())),
  };
}
