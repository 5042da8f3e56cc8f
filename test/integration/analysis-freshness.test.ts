import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DetectorPool } from '../../src/inference';
import { decodeImage, type RgbImage } from '../../src/imaging';
import { FrameRing } from '../../src/ingest/frame-ring';
import type { Frame } from '../../src/ingest/frame';
import { createLogger, idOnlyTracer } from '../../src/observability';
import { CameraAnalyzer, type FrameAnalysis, type FrameSource } from '../../src/recognition';
import { FACES } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const logger = createLogger('silent');

/** One camera's frames as the ingestor keeps them: the real ring (newest taken, older dropped as stale). */
class RingSource implements FrameSource {
  readonly ring = new FrameRing(8, () => undefined);
  readonly #image: RgbImage;
  #seq = 0;

  constructor(image: RgbImage) {
    this.#image = image;
  }

  push(capturedAt: number): number {
    const frame: Frame = { cameraId: 'cam', seq: this.#seq++, width: this.#image.width, height: this.#image.height, capturedAt, data: new Uint8Array(this.#image.pixels.slice(0)) };
    this.ring.push(frame);
    return frame.seq;
  }

  takeFrame(): Frame | undefined {
    return this.ring.takeNewest();
  }

  newestWaiting(): number | undefined {
    return this.ring.peekNewest()?.capturedAt;
  }

  releaseBuffer(): void {}
}

describe('analysis takes the newest frame when a worker is free (real ONNX pool, one worker)', () => {
  let image: RgbImage;
  let pool: DetectorPool;

  before(async () => {
    image = await decodeImage(join(FACES, 'scenes', 'two_people.jpg'));
    pool = new DetectorPool({ workers: 1, intraOpThreads: 1, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 100, logger, executionProviders: ['cpu'] });
    await pool.start();
  });
  after(() => pool.close());

  it('asks for the frame only when the worker is free: at once when idle, after the running frame when busy', async () => {
    let takes = 0;
    const frame = () => ((takes += 1), { pixels: image.pixels.slice(0), width: image.width, height: image.height });
    const idle = pool.detectLatest(frame);
    assert.equal(takes, 1, 'an idle pool takes the frame at once');
    const queued = pool.detectLatest(frame);
    assert.equal(takes, 1, 'a request behind a running frame has not taken its frame yet');
    const [first, second] = await Promise.all([idle, queued]);
    assert.equal(takes, 2);
    assert.equal(first?.faces.length, 2);
    assert.equal(second?.faces.length, 2);
  });

  it('answers null when the camera has no frame by then, and the next request still runs', async () => {
    const busy = pool.detect(image.pixels.slice(0), image.width, image.height);
    const nothing = pool.detectLatest(() => undefined);
    const after = pool.detectLatest(() => ({ pixels: image.pixels.slice(0), width: image.width, height: image.height }));
    assert.equal((await busy).faces.length, 2);
    assert.equal(await nothing, null);
    assert.equal((await after)?.faces.length, 2);
  });

  it('a camera waiting behind another is analysed on the frame that arrived last, and its wait is measured from the frame it had', async () => {
    const [a, b] = [new RingSource(image), new RingSource(image)];
    const analyses: FrameAnalysis[] = [];
    const analyzer = (source: RingSource, camera: string) =>
      new CameraAnalyzer({ source, detector: pool, logger, tracer: idOnlyTracer, camera, listener: { analysed: (x) => (camera === 'b' ? analyses.push(x) : undefined), failed: (e) => assert.fail(e) } });
    const [analyzerA, analyzerB] = [analyzer(a, 'a'), analyzer(b, 'b')];
    const t0 = Date.now() - 1000;
    a.push(t0);
    b.push(t0 + 1);
    analyzerA.start();
    analyzerB.start();
    // Camera a's frame runs; camera b asked for a worker with its frame 0 and waits. Frames keep coming meanwhile.
    const newest = [b.push(t0 + 2), b.push(t0 + 3)].at(-1);
    try {
      await waitFor(() => analyses.length >= 1, { timeoutMs: 30_000, what: "camera b's analysis" });
      const [first] = analyses as [FrameAnalysis];
      assert.equal(first.seq, newest, 'the newest frame by the time the worker was free');
      assert.equal(first.capturedAt, t0 + 3);
      assert.equal(first.waitingSince, t0 + 1, "the wait counts from the frame b had when it asked");
      assert.equal(b.ring.size, 0, 'the older frames were dropped as stale');
    } finally {
      await Promise.all([analyzerA.close(2000), analyzerB.close(2000)]);
    }
  });
});
