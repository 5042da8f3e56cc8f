/**
 * Five-point similarity alignment to the standard ArcFace 112x112 template, and the crops the
 * landmark and liveness models need. Pure functions over RGB24 buffers; no allocation beyond
 * the outputs the caller passes in.
 */

/** The ArcFace template: left eye, right eye, nose tip, left and right mouth corners, in 112x112. */
export const ARCFACE_TEMPLATE: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];
export const ALIGNED_SIZE = 112;

/** dst = [a -b; b a] * src + [tx ty]: rotation+uniform scale+translation. */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Least-squares similarity (Umeyama without reflection) mapping `src` points onto `dst` points. */
export function estimateSimilarity(src: readonly (readonly [number, number])[], dst: readonly (readonly [number, number])[]): Similarity {
  const n = Math.min(src.length, dst.length);
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i] as readonly [number, number];
    const d = dst[i] as readonly [number, number];
    sx += s[0]; sy += s[1]; dx += d[0]; dy += d[1];
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let num1 = 0, num2 = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const s = src[i] as readonly [number, number];
    const d = dst[i] as readonly [number, number];
    const px = s[0] - sx, py = s[1] - sy, qx = d[0] - dx, qy = d[1] - dy;
    num1 += px * qx + py * qy;
    num2 += px * qy - py * qx;
    den += px * px + py * py;
  }
  if (den === 0) return { a: 1, b: 0, tx: dx - sx, ty: dy - sy };
  const a = num1 / den;
  const b = num2 / den;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

/** Bilinear sample of channel c at (x, y); outside the image reads as black. */
function sample(rgb: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x > width - 1 || y > height - 1) return 0;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
  const fx = x - x0, fy = y - y0;
  const p00 = rgb[(y0 * width + x0) * 3 + c] as number;
  const p01 = rgb[(y0 * width + x1) * 3 + c] as number;
  const p10 = rgb[(y1 * width + x0) * 3 + c] as number;
  const p11 = rgb[(y1 * width + x1) * 3 + c] as number;
  return (p00 * (1 - fx) + p01 * fx) * (1 - fy) + (p10 * (1 - fx) + p11 * fx) * fy;
}

/**
 * Warps the face into the 112x112 template as interleaved RGB24 (`out`, 112*112*3 bytes),
 * from five points in frame pixels.
 */
export function alignFace(rgb: Uint8Array, width: number, height: number, points: readonly (readonly [number, number])[], out: Uint8Array): void {
  // Map template -> frame directly (the inverse warp), so every output pixel is sampled once.
  const t = estimateSimilarity(ARCFACE_TEMPLATE, points);
  for (let v = 0; v < ALIGNED_SIZE; v++) {
    for (let u = 0; u < ALIGNED_SIZE; u++) {
      // The similarity applied in place: an [x, y] pair per pixel was 12,544 arrays per face wherever
      // this ran unoptimised (the gateway's thread, once per answer): about 1 MB of garbage a crop.
      const x = t.a * u - t.b * v + t.tx;
      const y = t.b * u + t.a * v + t.ty;
      const o = (v * ALIGNED_SIZE + u) * 3;
      out[o] = sample(rgb, width, height, x, y, 0);
      out[o + 1] = sample(rgb, width, height, x, y, 1);
      out[o + 2] = sample(rgb, width, height, x, y, 2);
    }
  }
}

/**
 * Resizes the region (x, y, w, h) of the frame to size x size into a planar float tensor.
 * `grey` gives one plane (ITU-R 601 luma); otherwise three RGB planes. `scale`/`offset` normalise: (px - offset) * scale.
 */
export function cropToTensor(
  rgb: Uint8Array, width: number, height: number,
  region: { x: number; y: number; width: number; height: number },
  size: number, out: Float32Array, options: { grey: boolean; offset: number; scale: number },
): void {
  const plane = size * size;
  const sx = region.width / size;
  const sy = region.height / size;
  for (let j = 0; j < size; j++) {
    const y = region.y + (j + 0.5) * sy - 0.5;
    for (let i = 0; i < size; i++) {
      const x = region.x + (i + 0.5) * sx - 0.5;
      const r = sample(rgb, width, height, x, y, 0);
      const g = sample(rgb, width, height, x, y, 1);
      const b = sample(rgb, width, height, x, y, 2);
      const k = j * size + i;
      if (options.grey) out[k] = (0.299 * r + 0.587 * g + 0.114 * b - options.offset) * options.scale;
      else {
        out[k] = (r - options.offset) * options.scale;
        out[plane + k] = (g - options.offset) * options.scale;
        out[2 * plane + k] = (b - options.offset) * options.scale;
      }
    }
  }
}

/** The liveness model's crop: the box scaled up to 2.7x about its centre, shifted to stay inside the frame. */
export function livenessRegion(box: { x: number; y: number; width: number; height: number }, width: number, height: number, factor = 2.7): { x: number; y: number; width: number; height: number } {
  const scale = Math.max(1, Math.min((height - 1) / box.height, (width - 1) / box.width, factor));
  const w = box.width * scale;
  const h = box.height * scale;
  let x = box.x + box.width / 2 - w / 2;
  let y = box.y + box.height / 2 - h / 2;
  x = Math.min(Math.max(0, x), Math.max(0, width - 1 - w));
  y = Math.min(Math.max(0, y), Math.max(0, height - 1 - h));
  return { x, y, width: w, height: h };
}

/** Interleaved aligned RGB24 (112x112) to the embedding model's planar (px - 127) / 128 tensor. */
export function alignedToTensor(aligned: Uint8Array, out: Float32Array): void {
  const plane = ALIGNED_SIZE * ALIGNED_SIZE;
  for (let k = 0; k < plane; k++) {
    out[k] = ((aligned[k * 3] as number) - 127) / 128;
    out[plane + k] = ((aligned[k * 3 + 1] as number) - 127) / 128;
    out[2 * plane + k] = ((aligned[k * 3 + 2] as number) - 127) / 128;
  }
}

/** L2-normalises in place; returns the same array. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] as number) ** 2;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return v;
}
