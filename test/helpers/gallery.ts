import type { GallerySearchConfig } from '../../src/gallery';

/** The shipped defaults of `recognition.gallerySearch`, with overrides for a test. */
export function searchConfig(overrides: Partial<GallerySearchConfig> = {}): GallerySearchConfig {
  return { mode: 'auto', exactMaxFaces: 5000, quantization: 'i8', candidates: 32, expansionSearch: 64, persistIndex: true, buildThreads: 1, ...overrides };
}

/** A unit vector along `values` (padded with zeros to `dims`). */
export function unit(values: readonly number[], dims = values.length): Float32Array {
  const out = new Float32Array(dims);
  out.set(values);
  const n = Math.hypot(...values);
  return out.map((x) => x / n);
}
