import { workerData } from 'node:worker_threads';
import { move } from 'piscina';
import { performance } from 'node:perf_hooks';
import { openSession, ort } from './onnx-session';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, toDetectorInput } from './face-detection/preprocess';
import { decodeDetections } from './face-detection/nms';
import type { DetectResult, DetectTask, DetectorSettings, WorkerInfo, WorkerInfoTask } from './protocol';

/** Piscina's markers for a return value whose buffers are moved back instead of cloned. */
const kTransferable = Symbol.for('Piscina.transferable');
const kValue = Symbol.for('Piscina.valueOf');

function moveBack(result: DetectResult): unknown {
  return move({ [kTransferable]: [result.pixels], [kValue]: result } as never);
}

/** Loads the detector once per worker thread, then answers tasks. Piscina awaits this before the first task. */
async function init(): Promise<(task: DetectTask | WorkerInfoTask) => Promise<unknown>> {
  const settings = workerData as DetectorSettings;
  const { session, provider, fallbackReason } = await openSession(settings.modelPath, settings.executionProviders, settings.intraOpThreads);
  const inputName = session.inputNames[0] ?? 'input';
  const input = new Float32Array(3 * DETECTOR_HEIGHT * DETECTOR_WIDTH);
  const tensor = new ort.Tensor('float32', input, [1, 3, DETECTOR_HEIGHT, DETECTOR_WIDTH]);
  const info: WorkerInfo & { fallbackReason?: string } =
    fallbackReason === undefined ? { executionProvider: provider, inputName } : { executionProvider: provider, inputName, fallbackReason };

  return async (task) => {
    if (task.kind === 'info') return info;
    const started = performance.now();
    const rgb = new Uint8Array(task.pixels, 0, task.width * task.height * 3);
    const box = toDetectorInput(rgb, task.width, task.height, input);
    const outputs = await session.run({ [inputName]: tensor });
    const scores = outputs.scores?.data as Float32Array | undefined;
    const boxes = outputs.boxes?.data as Float32Array | undefined;
    if (!scores || !boxes) throw new Error('detector returned no "scores"/"boxes" outputs');
    const faces = decodeDetections(scores, boxes, box, settings);
    return moveBack({ faces, pixels: task.pixels, inferenceMs: performance.now() - started });
  };
}

export default init();
