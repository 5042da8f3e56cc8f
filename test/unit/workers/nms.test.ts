import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDetections, iou, nonMaxSuppression } from '../../../workers/face-detection/nms';
import { letterbox } from '../../../workers/face-detection/preprocess';

const face = (x: number, y: number, size: number, score: number) => ({ box: { x, y, width: size, height: size }, score });

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint ones, and exact for a half overlap', () => {
    assert.equal(iou(face(0, 0, 10, 1).box, face(0, 0, 10, 1).box), 1);
    assert.equal(iou(face(0, 0, 10, 1).box, face(20, 20, 10, 1).box), 0);
    assert.equal(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 }), 50 / 150);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of each overlapping group and separate faces', () => {
    const kept = nonMaxSuppression([face(0, 0, 10, 0.8), face(1, 1, 10, 0.95), face(50, 50, 10, 0.9), face(51, 50, 10, 0.7)], 0.3, 10);
    assert.deepEqual(
      kept.map((f) => f.score),
      [0.95, 0.9],
    );
  });
  it('stops at maxFaces', () => {
    const many = Array.from({ length: 10 }, (_, i) => face(i * 20, 0, 10, 0.9 - i * 0.01));
    assert.equal(nonMaxSuppression(many, 0.3, 3).length, 3);
  });
});

describe('decodeDetections', () => {
  it('applies the threshold, maps letterboxed boxes back to frame pixels and clips them', () => {
    // A 640x360 frame letterboxes into 320x180 at y offset 30 in the 320x240 input.
    const box = letterbox(640, 360);
    assert.deepEqual([box.scale, box.offsetX, box.offsetY, box.contentWidth, box.contentHeight], [0.5, 0, 30, 320, 180]);
    const scores = Float32Array.from([0.1, 0.9, 0.6, 0.4, 0.05, 0.95]);
    const boxes = Float32Array.from([
      // Candidate 0: input pixels (32,54)-(96,126) → frame (64,48)-(192,192).
      0.1, 0.225, 0.3, 0.525,
      // Candidate 1: under the threshold.
      0.5, 0.5, 0.6, 0.6,
      // Candidate 2: runs off the content area → clipped to the frame.
      0.9, 0.8, 1.1, 0.95,
    ]);
    const faces = decodeDetections(scores, boxes, box, { scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 10 });
    assert.equal(faces.length, 2);
    assert.deepEqual(faces[0], { box: { x: 576, y: 324, width: 64, height: 36 }, score: 0.95 });
    assert.deepEqual(faces[1], { box: { x: 64, y: 48, width: 128, height: 144 }, score: 0.9 });
  });
});
