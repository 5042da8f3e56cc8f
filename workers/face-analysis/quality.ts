import type { FaceQuality, Point } from '../protocol';
import { ALIGNED_SIZE } from './align';

/** Five points (eye centres, nose tip, mouth corners) from the 68-point layout. */
export function fivePoints(landmarks68: readonly Point[]): Point[] {
  const mean = (from: number, to: number): Point => {
    let x = 0, y = 0;
    for (let i = from; i <= to; i++) {
      const p = landmarks68[i] as Point;
      x += p[0]; y += p[1];
    }
    const n = to - from + 1;
    return [x / n, y / n];
  };
  const at = (i: number): Point => landmarks68[i] ?? [0, 0];
  return [mean(36, 41), mean(42, 47), at(30), at(48), at(54)];
}

/**
 * How frontal a face is, 0..1, from the nose tip's offset against the eye and mouth midlines
 * relative to the eye distance (a yaw proxy) and the nose height between eyes and mouth (pitch).
 */
export function frontalness(points: readonly Point[]): number {
  const [le, re, nose, lm, rm] = points as [Point, Point, Point, Point, Point];
  const eyeDist = Math.hypot(re[0] - le[0], re[1] - le[1]);
  if (eyeDist < 1e-6) return 0;
  const midX = (le[0] + re[0] + lm[0] + rm[0]) / 4;
  const yaw = Math.abs(nose[0] - midX) / eyeDist;
  const eyeY = (le[1] + re[1]) / 2;
  const mouthY = (lm[1] + rm[1]) / 2;
  const span = mouthY - eyeY;
  const pitch = span > 1e-6 ? Math.abs((nose[1] - eyeY) / span - 0.55) : 1;
  return clamp01(1 - 2 * yaw) * clamp01(1 - 1.5 * pitch);
}

/** Variance of the 4-neighbour Laplacian over the aligned face (grey): higher is sharper. */
export function laplacianVariance(aligned: Uint8Array): number {
  const n = ALIGNED_SIZE;
  const grey = (x: number, y: number): number => {
    const o = (y * n + x) * 3;
    return 0.299 * (aligned[o] as number) + 0.587 * (aligned[o + 1] as number) + 0.114 * (aligned[o + 2] as number);
  };
  let sum = 0, sumSq = 0, count = 0;
  // Skip the outer rim: the warp pads with black outside the frame, which would read as edges.
  for (let y = 8; y < n - 8; y++) {
    for (let x = 8; x < n - 8; x++) {
      const l = grey(x - 1, y) + grey(x + 1, y) + grey(x, y - 1) + grey(x, y + 1) - 4 * grey(x, y);
      sum += l; sumSq += l * l; count++;
    }
  }
  const mean = sum / count;
  return sumSq / count - mean * mean;
}

/** Mean brightness of the aligned face's centre, 0..1. */
export function brightness(aligned: Uint8Array): number {
  const n = ALIGNED_SIZE;
  let sum = 0, count = 0;
  for (let y = 24; y < n - 16; y++) {
    for (let x = 24; x < n - 24; x++) {
      const o = (y * n + x) * 3;
      sum += 0.299 * (aligned[o] as number) + 0.587 * (aligned[o + 1] as number) + 0.114 * (aligned[o + 2] as number);
      count++;
    }
  }
  return sum / count / 255;
}

/**
 * One quality score in 0..1 from the parts. Size saturates at 112 px (the embedding's input),
 * sharpness at a Laplacian variance of 300, brightness is best mid-range. Weights favour size and
 * pose, which hurt embeddings most.
 */
export function qualityScore(parts: { sharpness: number; brightness: number; faceSize: number; frontalness: number }): number {
  const size = clamp01((parts.faceSize - 20) / (112 - 20));
  const sharp = clamp01(parts.sharpness / 300);
  const light = clamp01(1 - Math.abs(parts.brightness - 0.5) * 2.2);
  return round4(0.35 * size + 0.2 * sharp + 0.15 * light + 0.3 * parts.frontalness);
}

export function faceQuality(aligned: Uint8Array, points: readonly Point[], faceSize: number): FaceQuality {
  const parts = { sharpness: laplacianVariance(aligned), brightness: brightness(aligned), faceSize, frontalness: frontalness(points) };
  return {
    score: qualityScore(parts),
    sharpness: Math.round(parts.sharpness * 10) / 10,
    brightness: round4(parts.brightness),
    faceSize: Math.round(faceSize),
    frontalness: round4(parts.frontalness),
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}
