import type { Piscina } from 'piscina';
import { VigilError } from '../errors';
import type { BatchTimings, DetectBatchResult, DetectFrame, DetectResult, EmbedFrame, EmbedResult, LivenessFrame, LivenessResult } from '../../workers/protocol';
import { BatchScheduler, type BatchLane, type Settled } from './batch-scheduler';
import type { ResolvedBatch } from './providers';

/** Requests waiting per lane at most: far above one frame per camera. */
const MAX_QUEUED = 4096;

/** One batch's figures, for metrics and the benchmark: reported once per batch, never per frame. */
export interface BatchFigures {
  readonly lane: 'detect' | 'embed' | 'liveness';
  /** Frames in the batch. */
  readonly frames: number;
  /** Images through the model: frames (and tiles) for the detector, faces for the embedder. */
  readonly items: number;
  readonly timings: BatchTimings;
  /** Longest and mean time a frame of the batch waited in the queue before a worker took it. */
  readonly maxQueuedMs: number;
  readonly meanQueuedMs: number;
}

/** Why a frame cannot be queued, or null; checked before it is queued so that one bad frame never fails a batch it would share. */
export function frameProblem(pixels: unknown, width: number, height: number): string | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return `frame size ${width}x${height} is not a positive whole size`;
  if (!(pixels instanceof ArrayBuffer)) return 'frame pixels are not an ArrayBuffer';
  if (pixels.byteLength < width * height * 3) return `frame has ${pixels.byteLength} bytes, expected ${width * height * 3} (RGB24 ${width}x${height})`;
  return null;
}

/**
 * Takes the buffer out of the caller's hands now (it is detached here, as when it moves to a
 * worker), whether the frame goes to a worker at once or waits in the queue. No copy: the
 * backing store moves.
 */
export function takeOwnership(pixels: ArrayBuffer): ArrayBuffer {
  return structuredClone(pixels, { transfer: [pixels] });
}

function summary(lane: BatchFigures['lane'], frames: number, items: number, timings: BatchTimings, queuedMs: readonly number[]): BatchFigures {
  const max = queuedMs.reduce((a, b) => Math.max(a, b), 0);
  const mean = queuedMs.reduce((a, b) => a + b, 0) / Math.max(1, queuedMs.length);
  return { lane, frames, items, timings, maxQueuedMs: max, meanQueuedMs: mean };
}

/**
 * A detection request whose frame is taken when a worker takes the request, not when it is
 * queued: a camera waiting its turn behind other cameras' frames is analysed on its newest frame
 * (the frames that arrived meanwhile replace it), so what is analysed stays fresh however long
 * the queue. `take` returns undefined when the camera has nothing to analyse any more (stopped,
 * reconnecting); the request then answers null. A frame given at once is `{ take: () => frame }`.
 */
export interface DetectRequest {
  readonly take: () => DetectFrame | undefined;
}

/** Takes each request's frame now (a worker is free) and detects the ones there are in one batch. */
export async function runDetectRequests(
  pool: Piscina,
  requests: readonly DetectRequest[],
  queuedMs: readonly number[],
  report: (figures: BatchFigures, perFrameMs: number) => void,
): Promise<Settled<DetectResult | null>[]> {
  const out: Settled<DetectResult | null>[] = [];
  const frames: DetectFrame[] = [];
  const waited: number[] = [];
  const at: number[] = [];
  requests.forEach((request, i) => {
    let frame: DetectFrame | undefined;
    try {
      frame = request.take();
    } catch (error) {
      out[i] = { ok: false, error: new VigilError('VIGIL_ERR_INFERENCE_FAILED', `taking the frame failed: ${(error as Error).message}`) };
      return;
    }
    if (!frame) {
      out[i] = { ok: true, value: null };
      return;
    }
    const problem = frameProblem(frame.pixels, frame.width, frame.height);
    if (problem) {
      out[i] = { ok: false, error: new VigilError('VIGIL_ERR_INFERENCE_FAILED', problem, { width: frame.width, height: frame.height }) };
      return;
    }
    frames.push({ ...frame, pixels: takeOwnership(frame.pixels) });
    waited.push(queuedMs[i] ?? 0);
    at.push(i);
  });
  if (frames.length > 0) {
    const settled = await runDetectBatch(pool, frames, waited, report);
    settled.forEach((answer, j) => (out[at[j] as number] = answer));
  }
  return out;
}

export async function runDetectBatch(
  pool: Piscina,
  frames: readonly DetectFrame[],
  queuedMs: readonly number[],
  report: (figures: BatchFigures, perFrameMs: number) => void,
): Promise<Settled<DetectResult>[]> {
  const result = (await pool.run({ kind: 'detect', frames }, { transferList: frames.map((f) => f.pixels) })) as DetectBatchResult;
  const perFrameMs = result.timings.totalMs / Math.max(1, frames.length);
  report(summary('detect', frames.length, result.timings.items, result.timings, queuedMs), perFrameMs);
  return result.outcomes.map((outcome, i) =>
    'error' in outcome
      ? { ok: false, error: new VigilError('VIGIL_ERR_INFERENCE_FAILED', outcome.error) }
      : { ok: true, value: { faces: outcome.faces, pixels: result.pixels[i] as ArrayBuffer, inferenceMs: perFrameMs } },
  );
}

/** Per-face work (embeddings, liveness) on a batch of frames: a frame's share of the batch time is by its faces. */
async function runFaceBatch<F extends { readonly pixels: ArrayBuffer }, O extends object, R>(
  pool: Piscina,
  lane: 'embed' | 'liveness',
  frames: readonly F[],
  facesOf: (frame: F) => number,
  queuedMs: readonly number[],
  report: (figures: BatchFigures) => void,
  answer: (outcome: O, pixels: ArrayBuffer, inferenceMs: number) => R,
): Promise<Settled<R>[]> {
  const result = (await pool.run({ kind: lane, frames }, { transferList: frames.map((f) => f.pixels) })) as { outcomes: (O | { error: string })[]; pixels: ArrayBuffer[]; timings: BatchTimings };
  const faces = frames.reduce((n, f) => n + facesOf(f), 0);
  report(summary(lane, frames.length, result.timings.items, result.timings, queuedMs));
  return result.outcomes.map((outcome, i) => {
    if ('error' in outcome) return { ok: false, error: new VigilError('VIGIL_ERR_INFERENCE_FAILED', outcome.error) };
    const share = facesOf(frames[i] as F) / Math.max(1, faces);
    return { ok: true, value: answer(outcome, result.pixels[i] as ArrayBuffer, result.timings.totalMs * share) };
  });
}

export function runEmbedBatch(pool: Piscina, frames: readonly EmbedFrame[], queuedMs: readonly number[], report: (figures: BatchFigures) => void): Promise<Settled<EmbedResult>[]> {
  return runFaceBatch(pool, 'embed', frames, (f) => f.faces.length, queuedMs, report, (o: { embeddings: Float32Array[]; crops: Uint8Array[] }, pixels, inferenceMs) => ({ embeddings: o.embeddings, crops: o.crops, pixels, inferenceMs }));
}

export function runLivenessBatch(pool: Piscina, frames: readonly LivenessFrame[], queuedMs: readonly number[], report: (figures: BatchFigures) => void): Promise<Settled<LivenessResult>[]> {
  return runFaceBatch(pool, 'liveness', frames, (f) => f.boxes.length, queuedMs, report, (o: { liveness: number[] }, pixels, inferenceMs) => ({ liveness: o.liveness, pixels, inferenceMs }));
}

export interface Lanes {
  readonly scheduler: BatchScheduler;
  readonly detect: BatchLane<DetectRequest, DetectResult | null>;
  readonly embed: BatchLane<EmbedFrame, EmbedResult>;
  readonly liveness: BatchLane<LivenessFrame, LivenessResult>;
}

/**
 * The pool's three lanes on one scheduler of `workers` slots. The batch limits and the worker
 * threads are read at each batch: a model swap replaces the threads, the provider found at start
 * sets the limits.
 */
export function createLanes(
  workers: number,
  source: { batch: () => ResolvedBatch; pool: () => Piscina; onBatch?: (figures: BatchFigures) => void; onInference?: (ms: number) => void },
): Lanes {
  const scheduler = new BatchScheduler(workers);
  const detect = scheduler.lane<DetectRequest, DetectResult | null>('detection', {
    get limits() {
      return source.batch().frames;
    },
    maxQueued: MAX_QUEUED,
    weight: () => 1,
    run: (requests, queuedMs) =>
      runDetectRequests(source.pool(), requests, queuedMs, (figures, perFrameMs) => {
        source.onBatch?.(figures);
        if (source.onInference) for (let i = 0; i < figures.frames; i++) source.onInference(perFrameMs);
      }),
  });
  // Per-face lanes: batched up to the face limit, each frame weighing its faces.
  const faceLane = <F, R>(name: string, faces: (frame: F) => number, run: (pool: Piscina, frames: readonly F[], queuedMs: readonly number[], report: (figures: BatchFigures) => void) => Promise<Settled<R>[]>) =>
    scheduler.lane<F, R>(name, {
      get limits() {
        return source.batch().faces;
      },
      maxQueued: MAX_QUEUED,
      weight: faces,
      run: (frames, queuedMs) => run(source.pool(), frames, queuedMs, (figures) => source.onBatch?.(figures)),
    });
  const embed = faceLane<EmbedFrame, EmbedResult>('embedding', (frame) => frame.faces.length, runEmbedBatch);
  const liveness = faceLane<LivenessFrame, LivenessResult>('liveness', (frame) => frame.boxes.length, runLivenessBatch);
  return { scheduler, detect, embed, liveness };
}
