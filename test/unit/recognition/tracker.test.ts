import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { affinity, associate } from '../../../src/recognition';

const box = (x: number, y: number, w = 50, h = 60) => ({ x, y, width: w, height: h });

describe('tracking association', () => {
  const cases: { name: string; tracks: ReturnType<typeof box>[]; detections: ReturnType<typeof box>[]; want: number[] }[] = [
    { name: 'same place continues the track', tracks: [box(100, 100)], detections: [box(104, 102)], want: [0] },
    { name: 'a fast move (no overlap, near) continues it', tracks: [box(100, 100)], detections: [box(125, 100)], want: [0] },
    { name: 'far away starts a new track', tracks: [box(100, 100)], detections: [box(400, 100)], want: [-1] },
    { name: 'a face three times larger is someone else', tracks: [box(100, 100)], detections: [box(100, 100, 150, 180)], want: [-1] },
    { name: 'two faces keep their own tracks', tracks: [box(100, 100), box(300, 100)], detections: [box(302, 101), box(98, 99)], want: [1, 0] },
    { name: 'one track cannot take two detections', tracks: [box(100, 100)], detections: [box(101, 100), box(103, 100)], want: [0, -1] },
    { name: 'no tracks: all new', tracks: [], detections: [box(1, 1)], want: [-1] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(associate(c.tracks, c.detections, 0.3), c.want));

  it('prefers overlap over distance', () => {
    assert.ok(affinity(box(100, 100), box(102, 100), 0.3) > affinity(box(100, 100), box(125, 100), 0.3));
  });
});
