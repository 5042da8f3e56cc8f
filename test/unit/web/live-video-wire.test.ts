import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers/paths';

/**
 * The dashboard's pure parts of the live video and the health charts (web/src/live-video-wire.ts,
 * web/src/health-chart-svg.ts), imported from the compiled ES modules the browser loads; the
 * shapes are restated because this project's Node build does not compile web/ (it needs the DOM lib).
 */
interface Segment { flags: number; wallMs: number; mediaSeconds: number; data: Uint8Array }
interface Faces { capturedAt: number; boxes: unknown[] }
interface Wire {
  MEDIA_KEY: number;
  parseSegment(buffer: ArrayBuffer): Segment | null;
  TimeMap: new (max?: number) => { add(media: number, wall: number): void; wallAt(media: number): number | null };
  facesFor(analyses: Faces[], frameWallMs: number, holdMs: number): Faces | null;
  liveEdge(currentTime: number, bufferedEnd: number): { seek: number | null; rate: number };
  describeCodec(codec: string): string;
}
interface Svg {
  linePath(values: (number | null)[], width: number, height: number, max: number): string;
  barsPath(values: number[], width: number, height: number, max: number): string;
  bands(flags: boolean[], width: number): [number, number][];
  niceMax(value: number): number;
}
const load = <T>(name: string): Promise<T> => import(pathToFileURL(join(ROOT, 'dist', 'web', name)).href) as Promise<T>;

describe('live video wire (dashboard)', () => {
  it('reads the 17-byte segment header and leaves the fMP4 bytes in place', async () => {
    const { parseSegment, MEDIA_KEY } = await load<Wire>('live-video-wire.js');
    const buffer = new ArrayBuffer(17 + 4);
    const view = new DataView(buffer);
    view.setUint8(0, MEDIA_KEY);
    view.setFloat64(1, 1_700_000_000_123.5);
    view.setFloat64(9, 12.345);
    new Uint8Array(buffer, 17).set([1, 2, 3, 4]);
    const segment = parseSegment(buffer);
    assert.deepEqual({ ...segment, data: [...(segment?.data ?? [])] }, { flags: MEDIA_KEY, wallMs: 1_700_000_000_123.5, mediaSeconds: 12.345, data: [1, 2, 3, 4] });
    assert.equal(parseSegment(new ArrayBuffer(10)), null);
  });

  it('maps video time to the wall time its packet was read, and forgets an older timeline', async () => {
    const { TimeMap } = await load<Wire>('live-video-wire.js');
    const map = new TimeMap(3);
    map.add(0, 1000);
    map.add(0.04, 1040);
    map.add(0.08, 1081);
    assert.equal(map.wallAt(0.04), 1040);
    assert.equal(map.wallAt(0.06), 1060, 'between two segments: from the one before');
    assert.equal(map.wallAt(-1), null);
    map.add(0.12, 1120);
    assert.equal(map.wallAt(0), null, 'bounded: the oldest is gone');
    map.add(0, 5000);
    assert.equal(map.wallAt(0.08), 5080, 'a restarted timeline replaces the old one');
  });

  it('boxes for a picture: the newest analysis of a frame not after it (plus the decode margin), held for a while only', async () => {
    const { facesFor } = await load<Wire>('live-video-wire.js');
    const a = { capturedAt: 1000, boxes: [] };
    const b = { capturedAt: 1200, boxes: [] };
    const table: [number, number | null][] = [
      [900, null],
      [1000, 1000],
      [1150, 1200],
      [1199, 1200],
      [1600, 1200],
      [1800, null],
    ];
    for (const [wall, want] of table) assert.equal(facesFor([a, b], wall, 500)?.capturedAt ?? null, want, `picture read at ${wall}`);
  });

  it('keeps near the live edge: jump when far behind, speed up a little when slightly behind', async () => {
    const { liveEdge, describeCodec } = await load<Wire>('live-video-wire.js');
    assert.deepEqual(liveEdge(10, 10.1), { seek: null, rate: 1 });
    assert.deepEqual(liveEdge(10, 10.5), { seek: null, rate: 1.1 });
    assert.deepEqual(liveEdge(10, 14), { seek: 13.9, rate: 1 });
    assert.equal(describeCodec('hvc1.1.6.L93.B0'), 'H.265/HEVC (hvc1.1.6.L93.B0)');
    assert.equal(describeCodec('avc1.42c01e'), 'H.264 (avc1.42c01e)');
  });
});

describe('health chart geometry (dashboard)', () => {
  it('lines with gaps, dots for lone values, bars only where there is something, bands of flagged buckets', async () => {
    const { linePath, barsPath, bands, niceMax } = await load<Svg>('health-chart-svg.js');
    assert.equal(linePath([0, 5, null, 10, null], 50, 10, 10), 'M5 10L15 5M35 0h0.1');
    assert.equal(linePath([], 50, 10, 10), '');
    assert.equal(barsPath([0, 2, 0, 4], 40, 10, 4), 'M10 5h8v5h-8Z' + 'M30 0h8v10h-8Z');
    assert.deepEqual(bands([false, true, true, false, true], 50), [[10, 20], [40, 10]]);
    assert.deepEqual([0.3, 1, 3, 7, 12, 480].map((v) => niceMax(v)), [1, 1, 5, 10, 20, 500]);
  });
});
