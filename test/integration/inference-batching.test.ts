import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DetectorPool, alignedCrop, readManifest, type DetectResult, type DetectorPoolOptions, type EmbedResult } from '../../src/inference';
import type { BatchFigures } from '../../src/inference';
import { decodeImage, type RgbImage } from '../../src/imaging';
import { createLogger } from '../../src/observability';
import { FACES, ROOT } from '../helpers/paths';

/**
 * Cross-camera batching with the real models: a frame detected in a batch with other cameras'
 * frames (of other sizes) gets what detecting it alone gets, faces embedded together get the
 * embeddings they get alone, and a model without a batch dimension still works.
 */

const PHOTOS = ['obama/obama1.jpg', 'biden/biden1.jpg', 'kit_harington/kit1.jpg', 'scenes/kit_with_rose.jpg', 'rose_leslie/rose2.jpg', 'lin_manuel_miranda/lin1.png', 'alex_lacamoire/alex2.jpg', 'obama/obama3.jpg'];
const base = { intraOpThreads: 1, executionProviders: ['cpu'] as const, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100, analysis: true, logger: createLogger('silent') };

async function pool(options: Partial<DetectorPoolOptions> & { workers: number | 'auto' }, batches?: BatchFigures[]): Promise<DetectorPool> {
  const p = new DetectorPool({ ...base, ...options, ...(batches && { onBatch: (f: BatchFigures) => batches.push(f) }) });
  await p.start();
  return p;
}

/** What a consumer sees of a frame's faces, with scores and analysis figures as numbers to compare within tolerance. */
function assertSameFaces(actual: DetectResult['faces'], expected: DetectResult['faces'], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: face count`);
  actual.forEach((face, i) => {
    const want = expected[i] as (typeof expected)[number];
    assert.deepEqual(face.box, want.box, `${what}: face ${i} box`);
    assert.ok(Math.abs(face.score - want.score) <= 1e-4, `${what}: face ${i} score ${face.score} vs ${want.score}`);
    assert.equal(face.landmarks?.length, want.landmarks?.length, `${what}: landmarks`);
    face.landmarks?.forEach((p, k) => assert.ok(Math.abs(p[0] - (want.landmarks?.[k]?.[0] ?? NaN)) <= 0.1 && Math.abs(p[1] - (want.landmarks?.[k]?.[1] ?? NaN)) <= 0.1, `${what}: landmark ${k}`));
    assert.ok(Math.abs((face.quality?.score ?? -1) - (want.quality?.score ?? -1)) <= 1e-3, `${what}: quality`);
    assert.ok(Math.abs((face.liveness ?? -1) - (want.liveness ?? -1)) <= 1e-3, `${what}: liveness`);
  });
}

describe('inference batching across cameras (real models)', () => {
  let images: RgbImage[];

  before(async () => {
    images = await Promise.all(PHOTOS.map((p) => decodeImage(join(FACES, p))));
    // A 1280x720 frame too: other letterbox, and the whole-factor preprocessing path.
    const wide = await sharp(join(FACES, 'scenes', 'kit_with_rose.jpg')).resize(1280, 720, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    images.push({ width: wide.info.width, height: wide.info.height, pixels: wide.data.buffer.slice(wide.data.byteOffset, wide.data.byteOffset + wide.data.length) as ArrayBuffer } as RgbImage);
  });

  let single: DetectorPool;
  const expected: DetectResult[] = [];
  before(async () => {
    // One frame per model run: the reference.
    single = await pool({ workers: 1, batch: { maxFrames: 1, maxFaces: 1 } });
    for (const image of images) expected.push(await single.detect(image.pixels.slice(0), image.width, image.height, true));
    assert.ok(expected.reduce((n, r) => n + r.faces.length, 0) >= images.length, 'the photos have faces to compare');
  });
  after(() => single.close());

  it('detects and analyses a batch of frames of different sizes exactly as one by one', async () => {
    const batches: BatchFigures[] = [];
    const batched = await pool({ workers: 1, batch: { maxFrames: 8, maxFaces: 16 } }, batches);
    try {
      assert.equal(batched.info?.batchedDetector, true, 'the manifest model takes a batch dimension');
      // All at once, as many cameras would: the first runs alone, the rest queue and run together.
      const results = await Promise.all(images.map((image) => batched.detect(image.pixels.slice(0), image.width, image.height, true)));
      results.forEach((r, i) => assertSameFaces(r.faces, (expected[i] as DetectResult).faces, PHOTOS[i] ?? 'wide frame'));
      const detectBatches = batches.filter((b) => b.lane === 'detect');
      assert.ok(detectBatches.some((b) => b.frames >= 4), `frames were batched: ${detectBatches.map((b) => b.frames).join(', ')}`);
      assert.ok(detectBatches.every((b) => b.frames <= 8), 'never more than maxFrames');
      assert.ok(detectBatches.some((b) => b.timings.runs < b.frames), 'fewer model runs than frames');
    } finally {
      await batched.close();
    }
  });

  it('with tiles, a batch of large frames finds what each finds alone', async () => {
    const tiled = (maxFrames: number) => pool({ workers: 1, tiles: true, analysis: false, batch: { maxFrames } });
    const alone = await tiled(1);
    const together = await tiled(6);
    try {
      const wide = images.at(-1) as RgbImage;
      const frames = [wide, images[3] as RgbImage, wide];
      const reference: DetectResult[] = [];
      for (const f of frames) reference.push(await alone.detect(f.pixels.slice(0), f.width, f.height));
      const results = await Promise.all(frames.map((f) => together.detect(f.pixels.slice(0), f.width, f.height)));
      results.forEach((r, i) => assertSameFaces(r.faces, (reference[i] as DetectResult).faces, `tiled frame ${i}`));
    } finally {
      await Promise.all([alone.close(), together.close()]);
    }
  });

  it('embeds faces from several frames in one run, each as embedded alone', async () => {
    const batches: BatchFigures[] = [];
    const batched = await pool({ workers: 1, batch: { maxFrames: 8, maxFaces: 16 } }, batches);
    try {
      const withFaces = images.map((image, i) => ({ image, faces: (expected[i] as DetectResult).faces.filter((f) => f.landmarks).map((f) => ({ landmarks: f.landmarks ?? [] })) })).filter((x) => x.faces.length > 0);
      const reference: EmbedResult[] = [];
      for (const { image, faces } of withFaces) reference.push(await single.embed(image.pixels.slice(0), image.width, image.height, faces));
      const results = await Promise.all(withFaces.map(({ image, faces }) => batched.embed(image.pixels.slice(0), image.width, image.height, faces)));
      results.forEach((r, i) => {
        const want = reference[i] as EmbedResult;
        assert.equal(r.embeddings.length, want.embeddings.length);
        r.embeddings.forEach((e, k) => {
          const w = want.embeddings[k] as Float32Array;
          let worst = 0;
          for (let j = 0; j < e.length; j++) worst = Math.max(worst, Math.abs((e[j] as number) - (w[j] as number)));
          assert.ok(worst < 1e-5, `frame ${i} face ${k}: max difference ${worst}`);
        });
        // Each embedding comes with the aligned crop it was made from: the same bytes as aligning here.
        const { image, faces } = withFaces[i] as (typeof withFaces)[number];
        assert.equal(r.crops.length, faces.length);
        faces.forEach((f, k) => assert.deepEqual(r.crops[k], alignedCrop(new Uint8Array(image.pixels), image.width, image.height, f.landmarks), `frame ${i} face ${k}: crop`));
      });
      const embedBatches = batches.filter((b) => b.lane === 'embed');
      assert.ok(embedBatches.some((b) => b.frames > 1 && b.items > 1), `faces of several frames in one batch: ${embedBatches.map((b) => `${b.frames}/${b.items}`).join(', ')}`);
    } finally {
      await batched.close();
    }
  });

  it('sends a lone camera frame at once: an idle pool never waits for company', async () => {
    const batches: BatchFigures[] = [];
    const idle = await pool({ workers: 1, analysis: false, batch: { maxFrames: 8, maxWaitMs: 1000 } }, batches);
    try {
      for (const image of images.slice(0, 4)) await idle.detect(image.pixels.slice(0), image.width, image.height);
      assert.equal(batches.length, 4);
      // Had a frame waited for company it would have waited the whole second.
      for (const b of batches) assert.ok(b.frames === 1 && b.maxQueuedMs < 1000, `batch of ${b.frames} queued ${b.maxQueuedMs} ms`);
    } finally {
      await idle.close();
    }
  });

  it('runs a model without a batch dimension (the shipped source files) frame by frame, with the same answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
    const manifest = readManifest(join(ROOT, 'models'));
    const models = Object.fromEntries(
      Object.entries(manifest.models).map(([name, entry]) => {
        const source = entry.source as { file: string; sha256: string };
        copyFileSync(join(ROOT, 'models', source.file), join(dir, source.file));
        return [name, { ...entry, file: source.file, sha256: source.sha256 }];
      }),
    );
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, models }));
    const batches: BatchFigures[] = [];
    const fixed = await pool({ workers: 1, modelsDir: dir, batch: { maxFrames: 8, maxFaces: 16 } }, batches);
    try {
      assert.equal(fixed.info?.batchedDetector, false);
      assert.equal(fixed.describe().batchedModels, false);
      const results = await Promise.all(images.map((image) => fixed.detect(image.pixels.slice(0), image.width, image.height, true)));
      results.forEach((r, i) => assertSameFaces(r.faces, (expected[i] as DetectResult).faces, `fixed-batch model, ${PHOTOS[i] ?? 'wide frame'}`));
      const big = batches.find((b) => b.lane === 'detect' && b.frames > 1);
      assert.ok(big && big.timings.runs === big.frames, 'one run per frame');
    } finally {
      await fixed.close();
    }
    assert.ok(readFileSync(join(dir, 'manifest.json'), 'utf8').includes('fr_detect.onnx'));
  });

  it('refuses a frame whose buffer does not match its size before it can share a batch', async () => {
    await assert.rejects(single.detect(new ArrayBuffer(10), 64, 36), (e: unknown) => (e as { code?: string }).code === 'VIGIL_ERR_INFERENCE_FAILED' && /expected 6912/.test(String((e as Error).message)));
  });
});
