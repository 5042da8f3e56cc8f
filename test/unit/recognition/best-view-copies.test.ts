import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../src/config';
import { FaceRecognizer, type RecognitionSettings, type TrackOutcome } from '../../../src/recognition';
import type { DetectedFace } from '../../../src/inference';

// The embedder and the gallery are stand-ins (the models run in the integration tests): these
// tests are about which frame copy the snapshots read, not about recognition quality.
const settings: RecognitionSettings = {
  ...parseConfig({}, 'defaults').recognition,
  minViews: 1, maxEmbeddingsPerTrack: 10, embedMinIntervalMs: 0, minFaceSize: 1, trackIouThreshold: 0.3, trackMaxUnseenMs: 60_000,
};
const W = 8;
const H = 4;

function frame(value: number, at: number): { pixels: ArrayBuffer; width: number; height: number; capturedAt: number } {
  return { pixels: new Uint8Array(W * H * 3).fill(value).buffer, width: W, height: H, capturedAt: at };
}

function face(quality: number): DetectedFace {
  return {
    box: { x: 1, y: 1, width: 4, height: 2 }, score: 0.9, landmarks: [[1, 1], [2, 1], [2, 2], [1, 3], [2, 3]],
    quality: { score: quality, sharpness: 100, brightness: 0.5, faceSize: 20, frontalness: 1 },
  };
}

describe('face recognizer: best-view copies', () => {
  it('never hands out a copy whose snapshots are still being saved', async () => {
    const saved: { pixels: Uint8Array; firstByte: number }[] = [];
    let finishFirstSave: () => void = () => undefined;
    const firstSaveMayFinish = new Promise<void>((resolve) => (finishFirstSave = resolve));
    const outcomes: TrackOutcome[] = [];
    const recognizer = new FaceRecognizer({
      camera: 'cam', settings,
      embed: async (pixels, _w, _h, faces) => ({ embeddings: faces.map(() => new Float32Array([1, 0])), crops: faces.map(() => new Uint8Array(1)), pixels, inferenceMs: 1 }),
      search: async () => [],
      saveSnapshots: async (f) => {
        // Like the JPEG encoder, this reads the pixels some time after it was called.
        if (saved.length === 0) await firstSaveMayFinish;
        saved.push({ pixels: f.pixels, firstByte: f.pixels[0] as number });
        return { face: `face${saved.length}`, frame: `frame${saved.length}` };
      },
      onOutcome: (o) => outcomes.push(o),
    });
    // First view: the track is answered (unknown) at once, and its snapshots start saving.
    await recognizer.process(frame(1, 0), [face(0.3)]);
    // Two better views while that save waits: the first copy must not be handed out again.
    await recognizer.process(frame(2, 100), [face(0.5)]);
    await recognizer.process(frame(3, 200), [face(0.7)]);
    finishFirstSave();
    await recognizer.flush();
    const [first, last] = saved;
    assert.equal(first?.firstByte, 1, 'the answered view is saved as it was seen');
    assert.equal(outcomes[0]?.kind, 'unknown');
    assert.equal(outcomes[0]?.best?.snapshots?.face, 'face1');
    assert.equal(last?.firstByte, 3, 'the track ends with its best view saved');
    assert.equal(outcomes[1]?.best?.snapshots?.face, 'face2');
  });

  it('reuses a copy once its snapshots are saved', async () => {
    const saved: Uint8Array[] = [];
    const recognizer = new FaceRecognizer({
      camera: 'cam', settings,
      embed: async (pixels, _w, _h, faces) => ({ embeddings: faces.map(() => new Float32Array([1, 0])), crops: faces.map(() => new Uint8Array(1)), pixels, inferenceMs: 1 }),
      search: async () => [],
      saveSnapshots: async (f) => {
        saved.push(f.pixels);
        return { face: 'f', frame: 'f' };
      },
      onOutcome: () => undefined,
    });
    await recognizer.process(frame(1, 0), [face(0.3)]);
    await recognizer.flush();
    await recognizer.process(frame(2, 100), [face(0.3)]);
    await recognizer.flush();
    assert.equal(saved.length, 2);
    assert.equal(saved[1], saved[0], 'the second track copied into the first one\'s released buffer');
    assert.equal(saved[1]?.[0], 2);
  });

  it('records the answered track with the aligned crop of its best embedded view, as the embedder made it', async () => {
    const recorded: { trackId: string; crop: number | undefined }[] = [];
    const recognizer = new FaceRecognizer({
      camera: 'cam', settings: { ...settings, minViews: 3 },
      // Each crop is marked with its frame's first byte: which view's crop was recorded.
      embed: async (pixels, _w, _h, faces) => ({ embeddings: faces.map(() => new Float32Array([1, 0])), crops: faces.map(() => Uint8Array.of(new Uint8Array(pixels)[0] as number)), pixels, inferenceMs: 1 }),
      search: async () => [],
      recordTrack: (trackId, _camera, _embedding, crop) => recorded.push({ trackId, crop: crop?.[0] }),
      saveSnapshots: async () => ({ face: 'f', frame: 'f' }),
      onOutcome: () => undefined,
    });
    // Three views before an answer (minViews): the second is the best, the third the latest.
    await recognizer.process(frame(1, 0), [face(0.3)]);
    await recognizer.process(frame(2, 100), [face(0.7)]);
    assert.equal(recorded.length, 0, 'no answer before three views');
    await recognizer.process(frame(3, 200), [face(0.5)]);
    await recognizer.flush();
    assert.deepEqual(recorded.map((r) => r.crop), [2]);
  });
});
