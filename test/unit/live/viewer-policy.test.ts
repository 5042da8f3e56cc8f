import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_VIEWER, admitViewer, decideSegment, livePathCamera, pictureBoxes, type SegmentInfo, type ViewerState } from '../../../src/live';

const INIT: SegmentInfo = { init: true, key: false, bytes: 800 };
const KEY: SegmentInfo = { init: false, key: true, bytes: 50_000 };
const P: SegmentInfo = { init: false, key: false, bytes: 5000 };
const LIMIT = 100_000;

/** Runs segments through the policy with the socket holding `buffered[i]` before each; returns what was sent, dropped, resumed. */
function run(segments: SegmentInfo[], buffered: number[], state: ViewerState = NEW_VIEWER): string {
  return segments
    .map((s, i) => {
      const d = decideSegment(state, s, buffered[i] ?? 0, LIMIT);
      state = d.state;
      const name = s.init ? 'I' : s.key ? 'K' : 'P';
      return d.resumed ? `resume(${d.resumed.segments},${d.resumed.bytes})+${name}` : d.send ? name : d.dropped ? `-${name}` : '.';
    })
    .join(' ');
}

describe('live viewer policy', () => {
  it('waits for the init segment, then for a key frame, then sends everything', () => {
    assert.equal(run([P, KEY, INIT, P, P, KEY, P], []), '. . I . . K P');
  });
  it('a viewer whose socket is full loses fragments until a key frame finds it at most half full, and is told how much', () => {
    assert.equal(run([INIT, KEY, P, P, P, KEY, P, KEY, P], [0, 0, 0, LIMIT + 1, 0, LIMIT * 0.6, 0, LIMIT / 2, 0]), 'I K P -P -P -K -P resume(4,65000)+K P');
  });
  it('never resumes on a P-frame, even with an empty socket (it would not decode)', () => {
    assert.equal(run([INIT, KEY, P, P, P], [0, 0, LIMIT * 2, 0, 0]), 'I K -P -P -P');
  });
  it('a new init segment (the stream restarted) starts over from the next key frame', () => {
    assert.equal(run([INIT, KEY, P, INIT, P, KEY], []), 'I K P I . K');
  });
});

describe('live viewer admission', () => {
  const limits = { maxViewersPerCamera: 2, maxViewers: 3 };
  it('admits under both limits', () => assert.deepEqual(admitViewer(1, 2, limits), { ok: true }));
  it('refuses at the per-camera limit, naming the key', () => {
    const r = admitViewer(2, 2, limits);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.reason === 'camera_limit' && /live\.maxViewersPerCamera/.test(r.message));
  });
  it('refuses at the total limit', () => {
    const r = admitViewer(0, 3, limits);
    assert.ok(!r.ok && r.reason === 'total_limit' && /live\.maxViewers\b/.test(r.message));
  });
});

describe('face boxes on the picture', () => {
  const table: [string, { width: number; height: number }, { x: number; y: number; width: number; height: number }, { x: number; y: number; w: number; h: number }][] = [
    ['same aspect: the analysis frame is the picture, scaled', { width: 1920, height: 1080 }, { x: 64, y: 36, width: 64, height: 72 }, { x: 0.1, y: 0.1, w: 0.1, h: 0.2 }],
    ['4:3 source: the letterbox bars are taken off', { width: 640, height: 480 }, { x: 80 + 48, y: 0, width: 96, height: 180 }, { x: 0.1, y: 0, w: 0.2, h: 0.5 }],
    ['a box reaching into the bars is clipped to the picture', { width: 640, height: 480 }, { x: 60, y: 300, width: 60, height: 100 }, { x: 0, y: 0.8333, w: 0.0833, h: 0.1667 }],
  ];
  for (const [name, source, face, want] of table) {
    it(name, () => assert.deepEqual(pictureBoxes([{ box: face, score: 0.987 }], source, { width: 640, height: 360 }), [{ ...want, score: 0.99 }]));
  }
});

describe('live route', () => {
  it('takes the camera id from /v1/cameras/{id}/live, decoded', () => {
    assert.equal(livePathCamera('/v1/cameras/gate-1/live'), 'gate-1');
    assert.equal(livePathCamera('/v1/cameras/a%2Eb/live'), 'a.b');
    assert.equal(livePathCamera('/v1/cameras/gate-1'), null);
    assert.equal(livePathCamera('/v1/cameras//live'), null);
    assert.equal(livePathCamera('/v1/cameras/%E0%A4%A/live'), null);
  });
});
