import { ort } from '../onnx-session';
import type { Box, DetectedFace, Point } from '../protocol';
import { ALIGNED_SIZE, alignFace, alignedToTensor, cropToTensor, l2normalize, livenessRegion } from './align';
import { faceQuality, fivePoints } from './quality';

const LANDMARK_SIZE = 64;
const LIVENESS_SIZE = 128;

/** The analysis models of one worker; any of them may be absent (detection-only workers). */
export interface AnalysisSessions {
  readonly landmarks?: ort.InferenceSession;
  readonly liveness?: ort.InferenceSession;
  readonly embedding?: ort.InferenceSession;
}

/**
 * Per-face analysis in a worker: landmarks, quality and liveness (cheap, every face), and the
 * embedding (about 60 ms, only when the caller asks). Tensors are allocated once and reused.
 */
export class FaceAnalyzer {
  readonly #s: AnalysisSessions;
  readonly #landmarkInput = new Float32Array(LANDMARK_SIZE * LANDMARK_SIZE);
  readonly #livenessInput = new Float32Array(3 * LIVENESS_SIZE * LIVENESS_SIZE);
  readonly #embeddingInput = new Float32Array(3 * ALIGNED_SIZE * ALIGNED_SIZE);
  readonly #aligned = new Uint8Array(ALIGNED_SIZE * ALIGNED_SIZE * 3);

  constructor(sessions: AnalysisSessions) {
    this.#s = sessions;
  }

  async analyze(rgb: Uint8Array, width: number, height: number, face: DetectedFace): Promise<DetectedFace> {
    const landmarks = await this.landmarks(rgb, width, height, face.box);
    if (!landmarks) return face;
    const points = fivePoints(landmarks);
    alignFace(rgb, width, height, points, this.#aligned);
    const quality = faceQuality(this.#aligned, points, face.box.height);
    const liveness = await this.liveness(rgb, width, height, face.box);
    const rounded = points.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10] as Point);
    return liveness === undefined ? { ...face, landmarks: rounded, quality } : { ...face, landmarks: rounded, quality, liveness };
  }

  /** 68 landmarks in frame pixels; the model sees the detector box as a 64x64 grey crop. */
  async landmarks(rgb: Uint8Array, width: number, height: number, box: Box): Promise<Point[] | null> {
    const session = this.#s.landmarks;
    if (!session) return null;
    cropToTensor(rgb, width, height, box, LANDMARK_SIZE, this.#landmarkInput, { grey: true, offset: 0, scale: 1 / 256 });
    const tensor = new ort.Tensor('float32', this.#landmarkInput, [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]);
    const out = await session.run({ [session.inputNames[0] ?? 'input']: tensor });
    const data = out[session.outputNames[0] ?? 'output']?.data as Float32Array | undefined;
    if (!data || data.length < 136) throw new Error('landmark model returned fewer than 68 points');
    const points: Point[] = [];
    for (let i = 0; i < 68; i++) points.push([box.x + (data[i * 2] as number) * box.width, box.y + (data[i * 2 + 1] as number) * box.height]);
    return points;
  }

  /** Probability that the face is live (softmax class 0, as the model's SDK reads it). */
  async liveness(rgb: Uint8Array, width: number, height: number, box: Box): Promise<number | undefined> {
    const session = this.#s.liveness;
    if (!session) return undefined;
    cropToTensor(rgb, width, height, livenessRegion(box, width, height), LIVENESS_SIZE, this.#livenessInput, { grey: false, offset: 0, scale: 1 });
    const tensor = new ort.Tensor('float32', this.#livenessInput, [1, 3, LIVENESS_SIZE, LIVENESS_SIZE]);
    const out = await session.run({ [session.inputNames[0] ?? 'input']: tensor });
    const logits = out[session.outputNames[0] ?? 'output']?.data as Float32Array | undefined;
    if (!logits || logits.length < 2) throw new Error('liveness model returned no logits');
    const max = Math.max(...logits);
    let sum = 0;
    for (const l of logits) sum += Math.exp(l - max);
    return Math.round((Math.exp((logits[0] as number) - max) / sum) * 10_000) / 10_000;
  }

  async embed(rgb: Uint8Array, width: number, height: number, points: readonly Point[]): Promise<Float32Array> {
    const session = this.#s.embedding;
    if (!session) throw new Error('this worker has no embedding model');
    alignFace(rgb, width, height, points, this.#aligned);
    alignedToTensor(this.#aligned, this.#embeddingInput);
    const tensor = new ort.Tensor('float32', this.#embeddingInput, [1, 3, ALIGNED_SIZE, ALIGNED_SIZE]);
    const out = await session.run({ [session.inputNames[0] ?? 'input']: tensor });
    const data = out[session.outputNames[0] ?? 'output']?.data as Float32Array | undefined;
    if (!data || data.length !== 512) throw new Error(`embedding model returned ${data?.length ?? 0} values, expected 512`);
    return l2normalize(Float32Array.from(data));
  }
}
