import { basename } from 'node:path';
import type { Config } from '../config';
import { decodeImage } from '../imaging';
import { DetectorPool, type DetectedFace } from '../inference';
import type { Logger } from '../observability';

export interface ImageDetection {
  readonly image: string;
  readonly frame: { readonly width: number; readonly height: number };
  readonly faces: DetectedFace[];
}

/** Faces in each image file, in the same data shape as the events' (frame size, boxes, scores). */
export async function detectImages(paths: readonly string[], config: Config, logger: Logger): Promise<ImageDetection[]> {
  const pool = new DetectorPool({ ...config.inference, ...config.detection, workers: 1, analysis: true, logger });
  await pool.start();
  try {
    const results: ImageDetection[] = [];
    for (const path of paths) {
      const image = await decodeImage(path);
      const { faces } = await pool.detect(image.pixels, image.width, image.height, true);
      results.push({ image: path, frame: { width: image.width, height: image.height }, faces });
    }
    return results;
  } finally {
    await pool.close();
  }
}

export function formatDetection(result: ImageDetection): string {
  const { width, height } = result.frame;
  const lines = [`${basename(result.image)} (${width}x${height}): ${result.faces.length} face${result.faces.length === 1 ? '' : 's'}`];
  result.faces.forEach((face, i) => {
    const b = face.box;
    const extra = face.quality ? `  quality ${face.quality.score.toFixed(2)} (sharpness ${face.quality.sharpness}, frontal ${face.quality.frontalness.toFixed(2)})` : '';
    const live = face.liveness === undefined ? '' : `  liveness ${face.liveness.toFixed(2)}`;
    lines.push(`  #${i + 1} score ${face.score.toFixed(3)}  x=${b.x} y=${b.y} width=${b.width} height=${b.height}${extra}${live}`);
  });
  return lines.join('\n');
}
