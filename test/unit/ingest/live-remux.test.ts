import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecoderOutputParser, Fmp4Splitter, MEDIA_INIT, MEDIA_KEY, NEW_TIMELINE, boxHeader, eventMessage, mediaMessage, placePacket, type LiveTimeline, type MediaSegment } from '../../../src/ingest';

/** Feeds (dts, pts) pairs through the timeline, returning the output times. */
function place(packets: [number | null, number | null][], frame = 3000): { dts: number; pts: number }[] {
  let timeline: LiveTimeline = NEW_TIMELINE;
  return packets.map(([dts, pts]) => {
    const placed = placePacket(timeline, dts, pts, frame);
    timeline = placed.timeline;
    return { dts: placed.dts, pts: placed.pts };
  });
}

describe('live remux timeline', () => {
  it('starts at 0 on the first packet and keeps the camera\'s spacing', () => {
    assert.deepEqual(place([[900_000, 900_000], [903_000, 903_000], [906_000, 906_000]]), [{ dts: 0, pts: 0 }, { dts: 3000, pts: 3000 }, { dts: 6000, pts: 6000 }]);
  });
  it('keeps B-frame reordering (pts ahead of dts)', () => {
    assert.deepEqual(place([[0, 6000], [3000, 12_000], [6000, 9000]]), [{ dts: 0, pts: 6000 }, { dts: 3000, pts: 12_000 }, { dts: 6000, pts: 9000 }]);
  });
  it('a looping file that rewinds continues one frame later instead of stepping back', () => {
    const out = place([[0, 0], [3000, 3000], [6000, 6000], [0, 0], [3000, 3000]]);
    assert.deepEqual(out.map((p) => p.dts), [0, 3000, 6000, 9000, 12_000]);
    assert.deepEqual(out.map((p) => p.pts), [0, 3000, 6000, 9000, 12_000]);
  });
  it('a repeated time and a far jump forward are discontinuities too', () => {
    assert.deepEqual(place([[0, 0], [3000, 3000], [3000, 3000], [90_000_000, 90_000_000], [90_003_000, 90_003_000]]).map((p) => p.dts), [0, 3000, 6000, 9000, 12_000]);
  });
  it('a packet without times goes one frame after the last (the stream rate before two packets were seen)', () => {
    assert.deepEqual(place([[null, null], [null, null], [null, null]], 3600).map((p) => p.dts), [0, 3600, 7200]);
  });
  it('a packet with a presentation time only is placed by it', () => {
    assert.deepEqual(place([[0, 0], [null, 3000], [null, 6000]]).map((p) => p.dts), [0, 3000, 6000]);
  });
});

const box = (type: string, payload: number): Buffer => {
  const b = Buffer.alloc(8 + payload, 7);
  b.writeUInt32BE(8 + payload, 0);
  b.write(type, 4, 'latin1');
  return b;
};

describe('fMP4 pieces', () => {
  const stream = Buffer.concat([box('ftyp', 16), box('moov', 40), box('moof', 30), box('mdat', 100), box('moof', 30), box('mdat', 5)]);
  for (const chunk of [1, 7, 64, stream.length]) {
    it(`init, then one moof + mdat per fragment, whatever the write sizes (${chunk} bytes)`, () => {
      const splitter = new Fmp4Splitter();
      const pieces = [];
      for (let i = 0; i < stream.length; i += chunk) pieces.push(...splitter.push(stream.subarray(i, i + chunk)));
      assert.deepEqual(pieces.map((p) => [p.kind, p.data.length]), [['init', 72], ['fragment', 146], ['fragment', 51]]);
      assert.equal(boxHeader(pieces[1]!.data, 0)?.type, 'moof');
    });
  }
  it('refuses a box smaller than its header and a piece over the bound', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(4, 0);
    bad.write('moof', 4, 'latin1');
    assert.throws(() => new Fmp4Splitter().push(bad), /"moof" of 4 bytes/);
    assert.throws(() => new Fmp4Splitter(100).push(Buffer.alloc(101)), /over 100 bytes/);
  });
  it('reads 64-bit box sizes', () => {
    const b = Buffer.alloc(16);
    b.writeUInt32BE(1, 0);
    b.write('mdat', 4, 'latin1');
    b.writeBigUInt64BE(4096n, 8);
    assert.deepEqual(boxHeader(b, 0), { size: 4096, type: 'mdat', headerBytes: 16 });
  });
});

describe('live media on the decoder output', () => {
  it('media messages come out between events, header read back, payload kept whole for the viewers', () => {
    const init = mediaMessage(MEDIA_INIT, 1000.5, 0, Buffer.from('ftyp-moov'));
    const key = mediaMessage(MEDIA_KEY, 1033.25, 0.0333, Buffer.from('moof-mdat'));
    const stream = Buffer.concat([init, eventMessage({ kind: 'live', codec: 'avc1.42c01e', mime: 'video/mp4; codecs="avc1.42c01e"', width: 640, height: 360 }), key]);
    for (const chunk of [1, 5, stream.length]) {
      const media: MediaSegment[] = [];
      const kinds: string[] = [];
      const parser = new DecoderOutputParser(12, { acquire: () => new ArrayBuffer(12), frame: () => assert.fail('no frame'), event: (e) => kinds.push(e.kind), media: (m) => media.push(m), corrupt: (r) => assert.fail(r) });
      for (let i = 0; i < stream.length; i += chunk) parser.push(stream.subarray(i, i + chunk));
      assert.deepEqual(kinds, ['live']);
      assert.deepEqual(media.map((m) => [m.flags, m.wallMs, m.mediaSeconds, m.data.toString()]), [[MEDIA_INIT, 1000.5, 0, 'ftyp-moov'], [MEDIA_KEY, 1033.25, 0.0333, 'moof-mdat']]);
      assert.deepEqual(media[1]!.payload, key.subarray(5), 'the payload is what the viewer gets, byte for byte');
    }
  });
  it('a media message without its header is a broken stream', () => {
    const broken = Buffer.from([3, 0, 0, 0, 2, 1, 2]);
    const reasons: string[] = [];
    new DecoderOutputParser(12, { acquire: () => new ArrayBuffer(12), frame: () => undefined, event: () => undefined, corrupt: (r) => reasons.push(r) }).push(broken);
    assert.deepEqual(reasons, ['a media message without its header']);
  });
});
