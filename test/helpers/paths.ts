import { join, resolve } from 'node:path';

/** The repository root (tests run from dist/test/..., compiled). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const CLIP = join(FIXTURES, 'media', 'hamilton_clip.mp4');
export const FACES = join(FIXTURES, 'faces');
export const VIGIL_BIN = join(ROOT, 'bin', 'vigil.js');
/** Stand-in for ffmpeg that plays a scenario (see the file's header). */
export const FAKE_FFMPEG = join(FIXTURES, 'bin', 'fake-ffmpeg');
