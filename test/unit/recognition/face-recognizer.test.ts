import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/config';
import { Gallery } from '../../../src/gallery';
import { FaceRecognizer, type TrackOutcome } from '../../../src/recognition';
import type { Box, DetectedFace } from '../../../src/inference';
import { searchConfig } from '../../helpers/gallery';
import { GalleryData, writeIdentities } from '../../helpers/gallery-data';

/**
 * The recognizer with the real gallery search (a worker thread, so every search is asynchronous).
 * The embeddings stand in for the embedding model's output (a generated face of an enrolled
 * identity): what is tested is the order of outcomes, not the model.
 */

const dir = mkdtempSync(join(tmpdir(), 'vigil-recognizer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const face = (x: number): DetectedFace => ({
  box: { x, y: 50, width: 80, height: 100 },
  score: 0.95,
  landmarks: [[x + 20, 80], [x + 60, 80], [x + 40, 100], [x + 25, 125], [x + 55, 125]],
  quality: { score: 0.8, sharpness: 50, brightness: 0.5, faceSize: 100, frontalness: 0.9 },
});

describe('face recognizer with an asynchronous gallery search', () => {
  it('a track ended while its view is being searched reports its answer first, then its end', async () => {
    const data = new GalleryData({ identities: 30, seed: 4 });
    // `ann`: through the worker even for this small gallery, so every search is answered on a later turn.
    const gallery = Gallery.open(dir, { search: searchConfig({ mode: 'ann' }) });
    const outcomes: TrackOutcome['kind'][] = [];
    let endDuringSearch = false;
    const settings = parseConfig({}, 'defaults').recognition;
    const recognizer: FaceRecognizer = new FaceRecognizer({
      camera: 'cam',
      settings,
      embed: async (pixels) => ({ embeddings: [data.viewOf(3, outcomes.length + 10)], crops: [new Uint8Array(1)], pixels, inferenceMs: 1 }),
      search: (embedding, k) => {
        if (endDuringSearch) {
          endDuringSearch = false;
          // The sweep timer firing while the worker answers: the camera stopped sending frames.
          setImmediate(() => recognizer.expire(Number.MAX_SAFE_INTEGER));
        }
        return gallery.search(embedding, k);
      },
      saveSnapshots: async () => ({ face: '/f', frame: '/F' }),
      onOutcome: (outcome) => outcomes.push(outcome.kind),
    });
    try {
      writeIdentities(gallery.path, data, 0, 30);
      const frame = (at: number) => ({ pixels: new ArrayBuffer(640 * 360 * 3), width: 640, height: 360, capturedAt: at });
      await recognizer.process(frame(1000), [face(100)]);
      assert.equal(recognizer.liveTracks, 1);
      endDuringSearch = true;
      await recognizer.process(frame(1000 + settings.embedMinIntervalMs + 1), [face(102)]);
      await recognizer.flush();
      assert.deepEqual(outcomes, ['recognized', 'ended']);
    } finally {
      await gallery.close();
    }
  });

  /** One track of two frames (the second view no better) through a recognizer whose liveness scorer is recorded. */
  async function reportOneTrack(detected: DetectedFace, seed: number) {
    const data = new GalleryData({ identities: 30, seed });
    const gallery = Gallery.open(mkdtempSync(join(dir, 'liveness-')), { search: searchConfig({ mode: 'ann' }) });
    const outcomes: TrackOutcome[] = [];
    const scored: { boxes: Box[]; bytes: number }[] = [];
    const snapshotBytes: number[] = [];
    const settings = parseConfig({}, 'defaults').recognition;
    const recognizer = new FaceRecognizer({
      camera: 'cam',
      settings,
      embed: async (pixels) => ({ embeddings: [data.viewOf(3, 10)], crops: [new Uint8Array(1)], pixels, inferenceMs: 1 }),
      search: (embedding, k) => gallery.search(embedding, k),
      liveness: async (pixels, _width, _height, boxes) => {
        scored.push({ boxes: [...boxes], bytes: pixels.byteLength });
        return { liveness: [0.97] };
      },
      saveSnapshots: async (frame) => {
        snapshotBytes.push(frame.pixels.byteLength);
        return { face: '/f', frame: '/F' };
      },
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    try {
      writeIdentities(gallery.path, data, 0, 30);
      const frame = (at: number) => ({ pixels: new ArrayBuffer(640 * 360 * 3), width: 640, height: 360, capturedAt: at });
      await recognizer.process(frame(1000), [detected]);
      await recognizer.process(frame(1000 + settings.embedMinIntervalMs + 1), [{ ...detected, box: { ...detected.box, x: detected.box.x + 2 } }]);
      await recognizer.flush();
    } finally {
      await gallery.close();
    }
    return { outcomes, scored, snapshotBytes };
  }

  it('scores the liveness of a reported view the detector gave none, once, on a copy of its frame', async () => {
    const { outcomes, scored, snapshotBytes } = await reportOneTrack(face(100), 5);
    assert.deepEqual(outcomes.map((o) => o.kind), ['recognized', 'ended']);
    assert.equal(scored.length, 1, 'once for the view: the end reports the same view without scoring it again');
    assert.deepEqual(scored[0]?.boxes, [face(100).box]);
    assert.equal(scored[0]?.bytes, 640 * 360 * 3, 'the whole frame');
    assert.deepEqual(snapshotBytes, [640 * 360 * 3], "the view's own copy stays for its snapshots");
    for (const o of outcomes) assert.equal(o.best?.liveness, 0.97, o.kind);
  });

  it('reports the per-frame liveness of a view that has one (cameras with per-frame events) without scoring it again', async () => {
    const { outcomes, scored } = await reportOneTrack({ ...face(100), liveness: 0.42 }, 6);
    assert.deepEqual(outcomes.map((o) => o.kind), ['recognized', 'ended']);
    assert.equal(scored.length, 0);
    for (const o of outcomes) assert.equal(o.best?.liveness, 0.42, o.kind);
  });
});
