import type { Box, DetectedFace } from '../protocol';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, type Letterbox } from './preprocess';

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const intersection = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/** Greedy non-maximum suppression: keeps the best-scoring face of every overlapping group. */
export function nonMaxSuppression(faces: readonly DetectedFace[], iouThreshold: number, maxFaces: number): DetectedFace[] {
  const sorted = [...faces].sort((a, b) => b.score - a.score);
  const kept: DetectedFace[] = [];
  for (const face of sorted) {
    if (kept.length >= maxFaces) break;
    if (kept.every((k) => iou(k.box, face.box) <= iouThreshold)) kept.push(face);
  }
  return kept;
}

/**
 * Turns the detector's raw outputs into faces in frame pixels: `scores` is N x 2 (column 1 = face),
 * `boxes` is N x 4 x1,y1,x2,y2 normalised to the 320x240 input, mapped back through the letterbox.
 * Candidates under the threshold are skipped before NMS; boxes are clipped to the frame.
 */
export function decodeDetections(
  scores: Float32Array,
  boxes: Float32Array,
  box: Letterbox,
  options: { scoreThreshold: number; iouThreshold: number; maxFaces: number },
): DetectedFace[] {
  const toFrameX = (v: number): number => clamp(v * DETECTOR_WIDTH - box.offsetX, box.frameWidth * box.scale) / box.scale;
  const toFrameY = (v: number): number => clamp(v * DETECTOR_HEIGHT - box.offsetY, box.frameHeight * box.scale) / box.scale;
  const count = Math.min(scores.length / 2, boxes.length / 4);
  const candidates: DetectedFace[] = [];
  for (let i = 0; i < count; i++) {
    const score = scores[i * 2 + 1] as number;
    if (score < options.scoreThreshold) continue;
    const x1 = toFrameX(boxes[i * 4] as number);
    const y1 = toFrameY(boxes[i * 4 + 1] as number);
    const x2 = toFrameX(boxes[i * 4 + 2] as number);
    const y2 = toFrameY(boxes[i * 4 + 3] as number);
    if (x2 - x1 < 1 || y2 - y1 < 1) continue;
    candidates.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
  }
  return nonMaxSuppression(candidates, options.iouThreshold, options.maxFaces).map(roundFace);
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

/** Whole pixels for boxes, four decimals for scores: enough for consumers, stable in JSON. */
function roundFace(face: DetectedFace): DetectedFace {
  const { x, y, width, height } = face.box;
  const rx = Math.round(x);
  const ry = Math.round(y);
  return {
    box: { x: rx, y: ry, width: Math.round(x + width) - rx, height: Math.round(y + height) - ry },
    score: Math.round(face.score * 10_000) / 10_000,
  };
}
