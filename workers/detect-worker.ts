import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { performance } from 'node:perf_hooks';
import { openSession, ort } from './onnx-session';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, toDetectorInput } from './face-detection/preprocess';
import { decodeDetections, nonMaxSuppression } from './face-detection/nms';
import { copyRegion, tileRegions } from './face-detection/tiles';
import { FaceAnalyzer } from './face-analysis/analyzer';
import type { DetectResult, DetectTask, DetectedFace, DetectorSettings, EmbedResult, EmbedTask, WorkerInfo, WorkerInfoTask } from './protocol';

/** Piscina's markers for a return value whose buffers are moved back instead of cloned. */
const kTransferable = Symbol.for('Piscina.transferable');
const kValue = Symbol.for('Piscina.valueOf');

function moveBack(result: DetectResult | EmbedResult): unknown {
  return move({ [kTransferable]: [result.pixels], [kValue]: result } as never);
}

/** Tiles only pay off when a tile still has more pixels than the detector input. */
const TILE_MIN_WIDTH = DETECTOR_WIDTH * 2;

/** Loads the models once per worker thread, then answers tasks. Piscina awaits this before the first task. */
async function init(): Promise<(task: DetectTask | EmbedTask | WorkerInfoTask) => Promise<unknown>> {
  const settings = workerData as DetectorSettings;
  const { session, provider, fallbackReason } = await openSession(settings.modelPath, settings.executionProviders, settings.intraOpThreads);
  const open = async (path: string | undefined): Promise<ort.InferenceSession | undefined> =>
    path === undefined ? undefined : (await openSession(path, settings.executionProviders, settings.intraOpThreads)).session;
  const [landmarks, embedding, liveness] = await Promise.all([open(settings.landmarksPath), open(settings.embeddingPath), open(settings.livenessPath)]);
  const analyzer = new FaceAnalyzer({ ...(landmarks && { landmarks }), ...(embedding && { embedding }), ...(liveness && { liveness }) });
  const inputName = session.inputNames[0] ?? 'input';
  const input = new Float32Array(3 * DETECTOR_HEIGHT * DETECTOR_WIDTH);
  const tensor = new ort.Tensor('float32', input, [1, 3, DETECTOR_HEIGHT, DETECTOR_WIDTH]);
  let tileBuffer = new Uint8Array(0);
  const models = ['detector', ...(landmarks ? ['landmarks'] : []), ...(embedding ? ['embedding'] : []), ...(liveness ? ['liveness'] : [])];
  const info: WorkerInfo & { fallbackReason?: string } =
    fallbackReason === undefined ? { executionProvider: provider, inputName, models } : { executionProvider: provider, inputName, models, fallbackReason };

  const detectIn = async (rgb: Uint8Array, width: number, height: number): Promise<DetectedFace[]> => {
    const box = toDetectorInput(rgb, width, height, input);
    const outputs = await session.run({ [inputName]: tensor });
    const scores = outputs.scores?.data as Float32Array | undefined;
    const boxes = outputs.boxes?.data as Float32Array | undefined;
    if (!scores || !boxes) throw new Error('detector returned no "scores"/"boxes" outputs');
    return decodeDetections(scores, boxes, box, settings);
  };

  const detect = async (rgb: Uint8Array, width: number, height: number): Promise<DetectedFace[]> => {
    const faces = await detectIn(rgb, width, height);
    if (!settings.tiles || width < TILE_MIN_WIDTH) return faces;
    const all = [...faces];
    for (const region of tileRegions(width, height)) {
      const bytes = region.width * region.height * 3;
      if (tileBuffer.length < bytes) tileBuffer = new Uint8Array(bytes);
      copyRegion(rgb, width, region, tileBuffer);
      for (const f of await detectIn(tileBuffer.subarray(0, bytes), region.width, region.height)) {
        all.push({ ...f, box: { ...f.box, x: f.box.x + region.x, y: f.box.y + region.y } });
      }
    }
    return nonMaxSuppression(all, settings.iouThreshold, settings.maxFaces);
  };

  return async (task) => {
    if (task.kind === 'info') return info;
    const started = performance.now();
    const rgb = new Uint8Array(task.pixels, 0, task.width * task.height * 3);
    if (task.kind === 'embed') {
      const embeddings: Float32Array[] = [];
      for (const face of task.faces) embeddings.push(await analyzer.embed(rgb, task.width, task.height, face.landmarks));
      return moveBack({ embeddings, pixels: task.pixels, inferenceMs: performance.now() - started });
    }
    let faces = await detect(rgb, task.width, task.height);
    if (task.analyze) {
      const analysed: DetectedFace[] = [];
      for (const face of faces) analysed.push(await analyzer.analyze(rgb, task.width, task.height, face));
      faces = analysed;
    }
    return moveBack({ faces, pixels: task.pixels, inferenceMs: performance.now() - started });
  };
}

export default init();
