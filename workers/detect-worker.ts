import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { performance } from 'node:perf_hooks';
import { openSession, ProviderUnavailable, type OpenedSession } from './onnx-session';
import { FaceDetector, type DetectClock } from './face-detection/detector';
import { FaceAnalyzer } from './face-analysis/analyzer';
import { newClock } from './model-runner';
import { RunGate } from './run-gate';
import { lowerOwnThreadPriority } from '../src/lifecycle/priority';
import type {
  BatchTimings, DetectBatchResult, DetectBatchTask, DetectFrame, DetectOutcome, DetectedFace, DetectorSettings, EmbedBatchResult, EmbedBatchTask,
  EmbedFrame, LivenessBatchResult, LivenessBatchTask, LivenessFrame, WorkerInfo, WorkerTask,
} from './protocol';

/** Piscina's markers for a return value whose buffers are moved back instead of cloned. */
const kTransferable = Symbol.for('Piscina.transferable');
const kValue = Symbol.for('Piscina.valueOf');

function moveBack(result: DetectBatchResult | EmbedBatchResult | LivenessBatchResult): unknown {
  return move({ [kTransferable]: result.pixels, [kValue]: result } as never);
}

/** Why one frame of a batch cannot be used, or null: checked before any of it is read. */
function badFrame(frame: DetectFrame | EmbedFrame | LivenessFrame): string | null {
  const { width, height, pixels } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return `frame size ${width}x${height} is not a positive whole size`;
  if (!(pixels instanceof ArrayBuffer) || pixels.byteLength < width * height * 3) return `frame has ${pixels?.byteLength ?? 0} bytes, expected ${width * height * 3}`;
  return null;
}

function timings(started: number, clock: DetectClock, analysisMs: number): BatchTimings {
  return {
    preprocessMs: clock.preprocessMs,
    gateWaitMs: clock.gateWaitMs,
    modelMs: clock.modelMs,
    decodeMs: clock.decodeMs,
    analysisMs,
    totalMs: performance.now() - started,
    runs: clock.runs,
    items: clock.items,
  };
}

type Handler = (task: WorkerTask) => Promise<unknown>;

/**
 * Per-face work on a batch of frames (embeddings, liveness): a bad frame fails alone, a model
 * failure fails every good frame of the batch, and every buffer goes back. Whatever the worker
 * did besides the model (cropping, alignment) counts as preprocessing.
 */
async function faceBatch<F extends EmbedFrame | LivenessFrame, V extends object>(
  frames: readonly F[],
  work: (good: { frame: F; rgb: Uint8Array; width: number; height: number }[], clock: DetectClock) => Promise<V[]>,
): Promise<{ outcomes: (V | { error: string })[]; pixels: ArrayBuffer[]; timings: BatchTimings }> {
  const started = performance.now();
  const clock: DetectClock = { ...newClock(), preprocessMs: 0, decodeMs: 0 };
  const outcomes: (V | { error: string } | null)[] = frames.map((f) => {
    const bad = badFrame(f);
    return bad === null ? null : { error: bad };
  });
  const good = frames.map((frame, i) => ({ frame, i })).filter(({ i }) => outcomes[i] === null);
  try {
    const answers = await work(good.map(({ frame }) => ({ frame, rgb: new Uint8Array(frame.pixels, 0, frame.width * frame.height * 3), width: frame.width, height: frame.height })), clock);
    good.forEach(({ i }, k) => (outcomes[i] = answers[k] ?? { error: 'no answer for this frame' }));
  } catch (error) {
    const message = (error as Error).message;
    good.forEach(({ i }) => (outcomes[i] = { error: message }));
  }
  const figures = timings(started, clock, 0);
  return {
    outcomes: outcomes.map((o) => o ?? { error: 'no answer for this frame' }),
    pixels: frames.map((f) => f.pixels),
    timings: { ...figures, preprocessMs: figures.totalMs - figures.modelMs - figures.gateWaitMs },
  };
}

/** Loads the models once per worker thread, then answers batches. Piscina awaits this before the first task. */
async function init(): Promise<Handler> {
  const settings = workerData as DetectorSettings;
  // Before the models load: ONNX Runtime's own threads (intraOpThreads > 1) inherit it.
  if (settings.nice) lowerOwnThreadPriority(settings.nice);
  const open = (path: string): Promise<OpenedSession> => openSession(path, settings.provider, settings.intraOpThreads);
  let detectorSession: OpenedSession;
  let analysis: (OpenedSession | undefined)[];
  try {
    detectorSession = await open(settings.modelPath);
    // Analysis models follow the detector's provider: a fallback there already happened.
    analysis = await Promise.all([settings.landmarksPath, settings.embeddingPath, settings.livenessPath].map((p) => (p === undefined ? undefined : open(p))));
  } catch (error) {
    // Not thrown from here: piscina would fail every task with it. The pool asks for info first and refuses to start.
    if (!(error instanceof ProviderUnavailable)) throw error;
    const info: WorkerInfo = { executionProvider: settings.provider.chain[0] ?? 'cpu', inputName: '', models: [], batchedDetector: false, batchedEmbedding: false, providerError: error.message };
    return async (task) => {
      if (task.kind === 'info') return info;
      throw new Error(`execution provider unavailable: ${error.message}`);
    };
  }
  const [landmarks, embedding, liveness] = analysis.map((s) => s?.session);
  const provider = detectorSession.provider;
  const gate = provider !== 'cpu' && settings.runGate ? new RunGate(settings.runGate) : null;
  const detector = new FaceDetector(detectorSession.session, settings.maxBatchFrames, gate, { ...settings, tiles: settings.tiles ?? false });
  const analyzer = new FaceAnalyzer({ ...(landmarks && { landmarks }), ...(embedding && { embedding }), ...(liveness && { liveness }) }, settings.maxBatchFaces, gate);
  const models = ['detector', ...(landmarks ? ['landmarks'] : []), ...(embedding ? ['embedding'] : []), ...(liveness ? ['liveness'] : [])];
  const info: WorkerInfo = {
    executionProvider: provider,
    inputName: detectorSession.session.inputNames[0] ?? 'input',
    models,
    batchedDetector: detector.batched,
    batchedEmbedding: analyzer.batchedEmbedding,
    ...(detectorSession.fallbackReason !== undefined && { fallbackReason: detectorSession.fallbackReason }),
  };

  const detect = async (task: DetectBatchTask): Promise<DetectBatchResult> => {
    const started = performance.now();
    const clock: DetectClock = { ...newClock(), preprocessMs: 0, decodeMs: 0 };
    const outcomes: DetectOutcome[] = task.frames.map((f) => {
      const bad = badFrame(f);
      return bad === null ? { faces: [] } : { error: bad };
    });
    const good = task.frames.map((f, i) => ({ f, i })).filter(({ i }) => !('error' in (outcomes[i] as DetectOutcome)));
    const views = good.map(({ f }) => ({ rgb: new Uint8Array(f.pixels, 0, f.width * f.height * 3), width: f.width, height: f.height }));
    let analysisMs = 0;
    try {
      const found = await detector.detectAll(views, clock);
      const toAnalyse = good.map((g, k) => ({ k, analyze: g.f.analyze === true, liveness: g.f.liveness !== false })).filter((x) => x.analyze);
      if (toAnalyse.length > 0) {
        const analysisStarted = performance.now();
        const analysed = await analyzer.analyzeAll(toAnalyse.map(({ k, liveness }) => ({ ...(views[k] as (typeof views)[number]), faces: found[k] as DetectedFace[], liveness })), newClock());
        toAnalyse.forEach(({ k }, j) => (found[k] = analysed[j] as DetectedFace[]));
        analysisMs = performance.now() - analysisStarted;
      }
      good.forEach(({ i }, k) => (outcomes[i] = { faces: found[k] as DetectedFace[] }));
    } catch (error) {
      // The buffers still go back; every frame of the batch reports the failure.
      const message = (error as Error).message;
      good.forEach(({ i }) => (outcomes[i] = { error: message }));
    }
    return { outcomes, pixels: task.frames.map((f) => f.pixels), timings: timings(started, clock, analysisMs) };
  };

  const embed = (task: EmbedBatchTask): Promise<EmbedBatchResult> =>
    faceBatch(task.frames, async (work, clock) => analyzer.embedAll(work.map((w) => ({ ...w, faces: w.frame.faces })), clock));

  const scoreLiveness = (task: LivenessBatchTask): Promise<LivenessBatchResult> =>
    faceBatch(task.frames, async (work, clock) => {
      const scores = await analyzer.livenessAll(work.map((w) => ({ ...w, faces: w.frame.boxes })), clock);
      if (!scores) throw new Error('this worker has no liveness model');
      return scores.map((liveness) => ({ liveness }));
    });

  return async (task) => {
    if (task.kind === 'info') return info;
    if (task.kind === 'embed') return moveBack(await embed(task));
    if (task.kind === 'liveness') return moveBack(await scoreLiveness(task));
    return moveBack(await detect(task));
  };
}

export default init();
