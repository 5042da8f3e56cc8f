import type { Config } from '../config';
import { decodeImage } from '../imaging';
import { DetectorPool, type DetectedFace } from '../inference';
import type { Logger } from '../observability';

export interface AnalysedImage {
  readonly image: string;
  readonly frame: { readonly width: number; readonly height: number };
  readonly faces: DetectedFace[];
}

/**
 * The models for command-line tools on photos: one worker, all four models loaded once for the
 * whole command (compare --pairs runs many images through one engine).
 */
export class FaceEngine {
  readonly #pool: DetectorPool;

  private constructor(pool: DetectorPool) {
    this.#pool = pool;
  }

  static async start(config: Config, logger: Logger): Promise<FaceEngine> {
    const pool = new DetectorPool({ ...config.inference, ...config.detection, workers: 1, analysis: true, logger });
    await pool.start();
    return new FaceEngine(pool);
  }

  async analyse(path: string): Promise<AnalysedImage & { pixels: ArrayBuffer }> {
    const image = await decodeImage(path);
    const { faces, pixels } = await this.#pool.detect(image.pixels, image.width, image.height, true);
    return { image: path, frame: { width: image.width, height: image.height }, faces, pixels };
  }

  /** Embedding of one face of an analysed image (the face needs landmarks). */
  async embed(image: AnalysedImage & { pixels: ArrayBuffer }, face: DetectedFace): Promise<Float32Array> {
    return (await this.embedFace(image, face)).embedding;
  }

  /** The embedding with what the gallery keeps beside it: the aligned crop it was made from, and the model's sha256. */
  async embedFace(image: AnalysedImage & { pixels: ArrayBuffer }, face: DetectedFace): Promise<{ embedding: Float32Array; crop: Uint8Array; model?: string }> {
    if (!face.landmarks) throw new Error('face has no landmarks');
    const { embeddings, crops, pixels } = await this.#pool.embed(image.pixels, image.frame.width, image.frame.height, [{ landmarks: face.landmarks }]);
    (image as { pixels: ArrayBuffer }).pixels = pixels;
    const model = this.#pool.loadedModels.embedding;
    return { embedding: embeddings[0] as Float32Array, crop: crops[0] as Uint8Array, ...(model !== undefined && { model }) };
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/** The face with the largest box, or undefined. */
export function largestFace(faces: readonly DetectedFace[]): DetectedFace | undefined {
  return [...faces].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
}
