import { ALIGNED_SIZE, ARCFACE_TEMPLATE, alignFace } from '../../workers/face-analysis/align';
import type { Point } from '../../workers/protocol';

export { ALIGNED_SIZE };

/**
 * The embedding model's input for a face: the 112x112 RGB24 crop aligned to the ArcFace template
 * from its five landmarks, by the workers' own alignment (same function, same pixels, so the same
 * bytes the worker embeds). The embedding worker returns this crop with each embedding
 * (`EmbedResult.crops`), which is what the gallery stores; this is the same alignment on the
 * calling thread, the reference its tests compare against.
 */
export function alignedCrop(rgb: Uint8Array, width: number, height: number, landmarks: readonly Point[]): Uint8Array {
  const out = new Uint8Array(ALIGNED_SIZE * ALIGNED_SIZE * 3);
  alignFace(rgb, width, height, landmarks, out);
  return out;
}

/**
 * Landmarks that make an aligned crop its own alignment: the template points themselves, so the
 * similarity is the identity and embedding `crop` with them feeds the model exactly `crop`.
 */
export const TEMPLATE_LANDMARKS: Point[] = ARCFACE_TEMPLATE.map(([x, y]) => [x, y] as Point);

/** Bytes of one aligned crop (112 * 112 * 3). */
export const ALIGNED_CROP_BYTES = ALIGNED_SIZE * ALIGNED_SIZE * 3;
