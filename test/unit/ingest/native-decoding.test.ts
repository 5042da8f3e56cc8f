import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecoderOutputParser, NO_MOTION_YET, afterKeyframe, decodeWork, eventMessage, frameMessage, letterbox, observeMotion, type DecoderEvent, type MotionState } from '../../../src/ingest';

describe('decode work per mode and idleness', () => {
  const table: [Parameters<typeof decodeWork>[0], boolean, ReturnType<typeof decodeWork>][] = [
    ['full', false, { decode: 'all', fps: 6, wakeOnMotion: false }],
    ['half-fps', false, { decode: 'all', fps: 3, wakeOnMotion: false }],
    ['keyframes', false, { decode: 'keyframes', fps: 6, wakeOnMotion: false }],
    ['full', true, { decode: 'keyframes', fps: 6, wakeOnMotion: true }],
    ['keyframes', true, { decode: 'keyframes', fps: 6, wakeOnMotion: true }],
  ];
  for (const [mode, idle, want] of table) it(`${mode}${idle ? ', idle' : ''}`, () => assert.deepEqual(decodeWork(mode, idle, 6), want));
});

describe('compressed-domain motion', () => {
  const settings = { ratio: 3, minBytes: 2000, warmupPackets: 5 };
  const feed = (sizes: number[], state: MotionState = NO_MOTION_YET): { motion: boolean[]; state: MotionState } => {
    const motion: boolean[] = [];
    for (const size of sizes) {
      const r = observeMotion(settings, state, size);
      state = r.state;
      motion.push(r.motion);
    }
    return { motion, state };
  };

  // The first two packets of every feed follow a key frame (skipped): 0, 0 below stand for them.
  it('learns a still scene, then P-frames several times larger, two in a row, are motion', () => {
    const { motion } = feed([0, 0, 900, 1100, 1000, 950, 1050, 1000, 4500, 4600]);
    assert.deepEqual(motion, [false, false, false, false, false, false, false, false, false, true]);
  });
  it('one odd large packet is not motion', () => assert.deepEqual(feed([0, 0, 1000, 1000, 1000, 1000, 1000, 1000, 5000, 1000, 5000]).motion.some(Boolean), false));
  it('one packet far over the threshold (a scene cut) is motion at once', () => {
    assert.deepEqual(feed([0, 0, 450, 420, 470, 440, 460, 450, 29_514, 22]).motion, [false, false, false, false, false, false, false, false, true, false]);
  });
  it('judges nothing during the warm-up', () => assert.deepEqual(feed([0, 0, 100, 50_000, 50_000]).motion, [false, false, false, false, false]));
  it('a tiny scene needs the absolute margin too (noise doubling 100 bytes is not motion)', () => {
    assert.deepEqual(feed([0, 0, 100, 100, 100, 100, 100, 100, 400, 400, 2200, 2300]).motion, [false, false, false, false, false, false, false, false, false, false, false, true]);
  });
  it("the encoder's large packets right after a key frame are neither motion nor learnt (x264: 5-7x on a still scene)", () => {
    let { state } = feed([0, 0, 2000, 2000, 2000, 2000, 2000, 2000]);
    state = afterKeyframe(state);
    const after = feed([14_000, 9000, 2000, 2100], state);
    assert.deepEqual(after.motion, [false, false, false, false]);
    assert.ok(after.state.baseline < 2200, `baseline ${after.state.baseline}`);
  });
  it('motion does not become the baseline', () => {
    const { state } = feed([0, 0, 1000, 1000, 1000, 1000, 1000, 1000, 20_000, 20_000]);
    assert.ok(state.baseline < 1100, `baseline ${state.baseline}`);
  });
});

describe('letterbox into the analysis frame', () => {
  const table: [string, [number, number], [number, number], { x: number; y: number; width: number; height: number }][] = [
    ['same aspect', [1920, 1080], [640, 360], { x: 0, y: 0, width: 640, height: 360 }],
    ['4:3 into 16:9: bars left and right', [640, 480], [640, 360], { x: 80, y: 0, width: 480, height: 360 }],
    ['portrait', [1080, 1920], [640, 360], { x: 218, y: 0, width: 202, height: 360 }],
    ['wide', [3840, 1080], [640, 360], { x: 0, y: 90, width: 640, height: 180 }],
  ];
  for (const [name, source, target, want] of table) {
    it(name, () => {
      const box = letterbox({ width: source[0], height: source[1] }, { width: target[0], height: target[1] });
      assert.deepEqual(box, want);
      assert.equal(box.x % 2 + box.y % 2 + box.width % 2 + box.height % 2, 0, 'even');
    });
  }
});

describe('decoder output framing', () => {
  const W = 4;
  const H = 2;
  const bytes = W * H * 3;
  const frame = (fill: number, at: number, flags: number): Buffer => {
    const { buffer, pixelsAt } = frameMessage(bytes, at, flags);
    buffer.fill(fill, pixelsAt);
    return buffer;
  };
  const stream = Buffer.concat([frame(7, 1000, 1), eventMessage({ kind: 'progress', packets: 3, bytes: 10, keyframes: 1, decoded: 2, emitted: 1 }), frame(9, 2000, 2)]);

  for (const chunk of [1, 3, 7, 13, stream.length]) {
    it(`reads frames and events cut into ${chunk}-byte chunks, pixels straight into pooled buffers`, () => {
      const frames: { first: number; at: number; flags: number; size: number }[] = [];
      const events: DecoderEvent[] = [];
      let acquired = 0;
      const parser = new DecoderOutputParser(bytes, {
        acquire: () => (acquired++, new ArrayBuffer(bytes)),
        frame: (buffer, at, flags) => frames.push({ first: new Uint8Array(buffer)[0] as number, at, flags, size: buffer.byteLength }),
        event: (event) => events.push(event),
        corrupt: (reason) => assert.fail(reason),
      });
      for (let i = 0; i < stream.length; i += chunk) parser.push(stream.subarray(i, i + chunk));
      assert.deepEqual(frames, [{ first: 7, at: 1000, flags: 1, size: bytes }, { first: 9, at: 2000, flags: 2, size: bytes }]);
      assert.deepEqual(events.map((e) => e.kind), ['progress']);
      assert.equal(acquired, 2);
    });
  }

  it('writes a frame message into a spare buffer of the right size, and never into one of another size', () => {
    const first = frame(7, 1000, 1);
    const { buffer: again, pixelsAt } = frameMessage(bytes, 3000, 2, first);
    assert.equal(again, first, 'reused');
    again.fill(5, pixelsAt);
    const frames: { first: number; at: number; flags: number }[] = [];
    const parser = new DecoderOutputParser(bytes, {
      acquire: () => new ArrayBuffer(bytes),
      frame: (buffer, at, flags) => frames.push({ first: new Uint8Array(buffer)[0] as number, at, flags }),
      event: () => undefined,
      corrupt: (reason) => assert.fail(reason),
    });
    parser.push(again);
    assert.deepEqual(frames, [{ first: 5, at: 3000, flags: 2 }], 'header and metadata rewritten');
    const small = Buffer.alloc(10);
    assert.notEqual(frameMessage(bytes, 0, 0, small).buffer, small);
  });

  it('a frame of the wrong size is a broken stream, reported once', () => {
    const reasons: string[] = [];
    const parser = new DecoderOutputParser(bytes + 3, { acquire: () => new ArrayBuffer(bytes + 3), frame: () => assert.fail('no frame'), event: () => undefined, corrupt: (r) => reasons.push(r) });
    parser.push(frame(1, 0, 0));
    parser.push(frame(1, 0, 0));
    assert.equal(reasons.length, 1);
    assert.match(reasons[0] as string, /expected 27/);
  });
});
