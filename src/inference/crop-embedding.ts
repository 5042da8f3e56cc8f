import type { Piscina } from 'piscina';
import { VigilError } from '../errors';
import type { EmbedBatchResult, EmbedResult, Point } from '../../workers/protocol';
import { ALIGNED_CROP_BYTES, ALIGNED_SIZE, TEMPLATE_LANDMARKS } from './aligned-crop';

/** A stored aligned crop as a frame of its own (a fresh buffer: frames move to the workers). */
function cropFrame(crop: Uint8Array): ArrayBuffer {
  if (crop.byteLength !== ALIGNED_CROP_BYTES) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', `an aligned crop has ${ALIGNED_CROP_BYTES} bytes, this one ${crop.byteLength}`);
  const pixels = new ArrayBuffer(ALIGNED_CROP_BYTES);
  new Uint8Array(pixels).set(crop);
  return pixels;
}

/**
 * Embeds an aligned crop through the normal embedding path: the crop is the frame, the template's
 * own points its landmarks, so the alignment is the identity and the model sees exactly the crop.
 */
export async function embedCrop(embed: (pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]) => Promise<EmbedResult>, crop: Uint8Array): Promise<Float32Array> {
  const { embeddings } = await embed(cropFrame(crop), ALIGNED_SIZE, ALIGNED_SIZE, [{ landmarks: TEMPLATE_LANDMARKS }]);
  const embedding = embeddings[0];
  if (!embedding) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the crop gave no embedding');
  return embedding;
}

/** The same on a given set of worker threads (a pool about to be swapped in, before it serves). */
export async function embedCropOn(pool: Piscina, crop: Uint8Array): Promise<Float32Array> {
  return embedCrop(async (pixels, width, height, faces) => {
    const result = (await pool.run({ kind: 'embed', frames: [{ pixels, width, height, faces }] }, { transferList: [pixels] })) as EmbedBatchResult;
    const outcome = result.outcomes[0];
    if (!outcome || 'error' in outcome) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', outcome && 'error' in outcome ? outcome.error : 'no answer');
    return { embeddings: outcome.embeddings, crops: outcome.crops, pixels: result.pixels[0] as ArrayBuffer, inferenceMs: result.timings.totalMs };
  }, crop);
}
