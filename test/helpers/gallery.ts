import { parseConfig } from '../../src/config';
import type { GallerySearchConfig } from '../../src/gallery';

/** The shipped defaults of `recognition.gallerySearch` (one build thread: CI has 2 cores), with a test's overrides. */
export function searchConfig(overrides: Partial<GallerySearchConfig> & { persistMinFaces?: number } = {}): GallerySearchConfig {
  return { ...parseConfig({}, 'defaults').recognition.gallerySearch, buildThreads: 1, ...overrides };
}
