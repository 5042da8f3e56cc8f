import { BatchedModel, type RunClock } from '../model-runner';
import type { ort } from '../onnx-session';
import type { RunGate } from '../run-gate';
import type { DetectedFace } from '../protocol';
import { decodeDetections, nonMaxSuppression } from './nms';
import { DETECTOR_HEIGHT, DETECTOR_WIDTH, toDetectorInput, type Letterbox, type Region } from './preprocess';
import { tileRegions } from './tiles';

/** Tiles only pay off when a tile still has more pixels than the detector input. */
const TILE_MIN_WIDTH = DETECTOR_WIDTH * 2;
const SCORES_PER_ANCHOR = 2;
const BOX_PER_ANCHOR = 4;

export interface DetectionSettings {
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly maxFaces: number;
  readonly tiles: boolean;
}

export interface FrameView {
  readonly rgb: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** One detector input: a whole frame, or one of its tiles. */
interface Item {
  readonly frame: number;
  readonly region: Region | undefined;
}

/** Time spent outside the model, for the batch's figures. */
export interface DetectClock extends RunClock {
  preprocessMs: number;
  decodeMs: number;
}

/**
 * The face detector over a batch of frames: every frame (and, with tiles, its four tiles) is
 * letterboxed into one slot of the batch tensor, the model runs once per `maxBatchFrames`
 * images, and each image's slice of the outputs is decoded on its own. The result per frame is
 * what detecting it alone gives: the same tensor values, the same decode, the same NMS.
 */
export class FaceDetector {
  readonly #model: BatchedModel;
  readonly #settings: DetectionSettings;
  /** Letterbox of each slot of the current run. */
  readonly #boxes: Letterbox[] = [];

  constructor(session: ort.InferenceSession, maxBatchFrames: number, gate: RunGate | null, settings: DetectionSettings) {
    this.#model = new BatchedModel(session, [3, DETECTOR_HEIGHT, DETECTOR_WIDTH], maxBatchFrames, gate);
    this.#settings = settings;
  }

  get batched(): boolean {
    return this.#model.batched;
  }

  async detectAll(frames: readonly FrameView[], clock: DetectClock): Promise<DetectedFace[][]> {
    const items: Item[] = [];
    frames.forEach((f, frame) => {
      items.push({ frame, region: undefined });
      if (this.#settings.tiles && f.width >= TILE_MIN_WIDTH) for (const region of tileRegions(f.width, f.height)) items.push({ frame, region });
    });
    const found = frames.map(() => [] as DetectedFace[]);
    await this.#model.runAll(
      items.length,
      clock,
      (i, slot) => {
        const started = performance.now();
        const { frame, region } = items[i] as Item;
        const f = frames[frame] as FrameView;
        this.#boxes[i % this.#model.capacity] = toDetectorInput(f.rgb, f.width, f.height, slot, region);
        clock.preprocessMs += performance.now() - started;
      },
      (i, outputs, k, n) => {
        const started = performance.now();
        const { frame, region } = items[i] as Item;
        const scores = outputs.scores;
        const boxes = outputs.boxes;
        if (!scores || !boxes) throw new Error('detector returned no "scores"/"boxes" outputs');
        const anchors = scores.length / SCORES_PER_ANCHOR / n;
        const faces = decodeDetections(
          scores.subarray(k * anchors * SCORES_PER_ANCHOR, (k + 1) * anchors * SCORES_PER_ANCHOR),
          boxes.subarray(k * anchors * BOX_PER_ANCHOR, (k + 1) * anchors * BOX_PER_ANCHOR),
          this.#boxes[k] as Letterbox,
          this.#settings,
        );
        const into = found[frame] as DetectedFace[];
        for (const f of faces) into.push(region ? { ...f, box: { ...f.box, x: f.box.x + region.x, y: f.box.y + region.y } } : f);
        clock.decodeMs += performance.now() - started;
      },
    );
    if (!this.#settings.tiles) return found;
    // With tiles, a face seen whole and in a tile is one face: merged as detecting each frame alone merges them.
    return found.map((faces, frame) => {
      const f = frames[frame] as FrameView;
      return f.width < TILE_MIN_WIDTH ? faces : nonMaxSuppression(faces, this.#settings.iouThreshold, this.#settings.maxFaces);
    });
  }
}
