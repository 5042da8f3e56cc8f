import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers/paths';

/**
 * The dashboard's pure policy (web/src/event-store.ts, web/src/camera-form.ts), imported from the
 * compiled ES modules the browser loads. The shapes are restated here because this project's
 * Node build does not compile web/ (it needs the DOM lib).
 */
interface Event {
  specversion: string; id: string; source?: string; type: string; time: string; sequence?: number; vigilrun?: string; data: Record<string, unknown>;
}
interface Filter { camera: string | null; identity: string | null }
interface Store { size: number; add(e: Event): boolean; matching(f: Filter, max: number): Event[] }
interface Cursor { sequence: number; run: string }
interface EventStoreModule {
  UNKNOWN_IDENTITY: string;
  EventStore: new (limit: number) => Store;
  matchesFilter(e: Event, f: Filter): boolean;
  advanceCursor(c: Cursor | null, e: Event): Cursor | null;
  eventStreamQuery(types: string[], c: Cursor | null): string;
  reconnectDelayMs(attempt: number, random: number): number;
  rate(previous: { count: number; at: number } | undefined, count: number, at: number): number | null;
  formatSimilarity(v: number | undefined): string;
}
interface CameraFormModule {
  cameraRequest(fields: Record<string, string>): { body: Record<string, unknown> } | { error: string };
}

const web = (name: string) => import(pathToFileURL(join(ROOT, 'dist', 'web', name)).href);

let m: EventStoreModule;
let form: CameraFormModule;
before(async () => {
  m = (await web('event-store.js')) as EventStoreModule;
  form = (await web('camera-form.js')) as CameraFormModule;
});

let n = 0;
function face(type: 'recognized' | 'unknown', time: string, camera = 'gate-1', identity: { id: string; name: string } | null = null): Event {
  n += 1;
  return { specversion: '1.0', id: `e${n}`, source: 'urn:vigil:gateway:gw', type: `vigil.face.${type}`, time, sequence: n, vigilrun: 'r1', data: { camera, trackId: `t${n}`, identity, similarity: 0.5 } };
}
const ada = { id: 'id-ada', name: 'Ada' };

describe('dashboard event store', () => {
  it('keeps face events only, once each, newest first by capture time', () => {
    const store = new m.EventStore(10);
    const a = face('unknown', '2026-01-01T00:00:01Z');
    const b = face('recognized', '2026-01-01T00:00:03Z', 'gate-1', ada);
    const late = face('unknown', '2026-01-01T00:00:02Z');
    assert.equal(store.add(a), true);
    assert.equal(store.add(b), true);
    assert.equal(store.add(late), true);
    assert.equal(store.add({ ...a }), false, 'duplicate (same source and id)');
    assert.equal(store.add({ ...face('unknown', '2026-01-01T00:00:04Z'), type: 'vigil.camera.status' }), false);
    assert.deepEqual(store.matching({ camera: null, identity: null }, 10).map((e) => e.id), [b.id, late.id, a.id]);
  });

  it('is bounded: the oldest go, and an event older than all it holds is not taken when full', () => {
    const store = new m.EventStore(3);
    for (let s = 10; s < 16; s += 1) store.add(face('unknown', `2026-01-01T00:00:${s}Z`));
    assert.equal(store.size, 3);
    assert.deepEqual(store.matching({ camera: null, identity: null }, 10).map((e) => e.time), ['2026-01-01T00:00:15Z', '2026-01-01T00:00:14Z', '2026-01-01T00:00:13Z']);
    assert.equal(store.add(face('unknown', '2026-01-01T00:00:01Z')), false);
    assert.equal(store.matching({ camera: null, identity: null }, 2).length, 2, 'max applies');
  });

  it('filters by camera and by identity (id or name, or unknown)', () => {
    const known = face('recognized', '2026-01-01T00:00:01Z', 'gate-1', ada);
    const other = face('unknown', '2026-01-01T00:00:01Z', 'gate-2');
    const table: [Filter, boolean, boolean][] = [
      [{ camera: null, identity: null }, true, true],
      [{ camera: 'gate-1', identity: null }, true, false],
      [{ camera: 'gate-2', identity: null }, false, true],
      [{ camera: null, identity: 'id-ada' }, true, false],
      [{ camera: null, identity: 'Ada' }, true, false],
      [{ camera: null, identity: 'someone' }, false, false],
      [{ camera: null, identity: m.UNKNOWN_IDENTITY }, false, true],
      [{ camera: 'gate-1', identity: m.UNKNOWN_IDENTITY }, false, false],
    ];
    for (const [filter, forKnown, forOther] of table) {
      assert.equal(m.matchesFilter(known, filter), forKnown, JSON.stringify(filter));
      assert.equal(m.matchesFilter(other, filter), forOther, JSON.stringify(filter));
    }
  });
});

describe('dashboard event stream policy', () => {
  it('resumes after the last event of the current run', () => {
    const e = (sequence: number, vigilrun: string) => ({ ...face('unknown', '2026-01-01T00:00:00Z'), sequence, vigilrun });
    assert.deepEqual(m.advanceCursor(null, e(5, 'a')), { sequence: 5, run: 'a' });
    assert.deepEqual(m.advanceCursor({ sequence: 5, run: 'a' }, e(4, 'a')), { sequence: 5, run: 'a' }, 'never backwards');
    assert.deepEqual(m.advanceCursor({ sequence: 5, run: 'a' }, e(1, 'b')), { sequence: 1, run: 'b' }, 'a restart starts over');
    const noSequence: Event = { ...e(1, 'a'), sequence: undefined };
    assert.deepEqual(m.advanceCursor({ sequence: 5, run: 'a' }, noSequence), { sequence: 5, run: 'a' });
  });

  it('builds the WebSocket query with since and run, never a token', () => {
    assert.equal(m.eventStreamQuery([], null), '');
    assert.equal(m.eventStreamQuery(['vigil.face.recognized', 'vigil.face.unknown'], null), '?type=vigil.face.recognized%2Cvigil.face.unknown');
    assert.equal(m.eventStreamQuery(['x'], { sequence: 42, run: 'r-1' }), '?type=x&since=42&run=r-1');
    // Cluster mode: events carry vigilpos; the cursor keeps the newest offset per partition and resumes with position=.
    const clustered = (sequence: number, vigilrun: string, vigilpos: string) => ({ ...face('unknown', '2026-01-01T00:00:00Z'), sequence, vigilrun, vigilpos });
    let cursor = m.advanceCursor(null, clustered(9, 'a', '0:40') as never);
    cursor = m.advanceCursor(cursor, clustered(3, 'b', '2:7') as never);
    cursor = m.advanceCursor(cursor, clustered(10, 'a', '0:38') as never);
    assert.equal(m.eventStreamQuery([], cursor), `?position=${encodeURIComponent('0:40,2:7')}`);
  });

  it('backs off from 0.5 s to 10 s with jitter, never under 250 ms', () => {
    const table: [number, number, number][] = [[0, 0, 250], [0, 0.999, 499], [1, 0.5, 500], [3, 0.99, 3960], [10, 0.99, 9900], [50, 0.5, 5000]];
    for (const [attempt, random, delay] of table) assert.equal(m.reconnectDelayMs(attempt, random), delay, `${attempt} ${random}`);
  });

  it('computes the analysis rate between two readings', () => {
    assert.equal(m.rate(undefined, 10, 1000), null);
    assert.equal(m.rate({ count: 10, at: 1000 }, 20, 3000), 5);
    assert.equal(m.rate({ count: 10, at: 1000 }, 5, 3000), null, 'counter reset');
    assert.equal(m.rate({ count: 10, at: 1000 }, 12, 1000), null);
    assert.equal(m.formatSimilarity(0.5781), '0.58');
    assert.equal(m.formatSimilarity(undefined), '');
  });
});

describe('dashboard add-camera request', () => {
  it('keeps credentials out of the URL and sends only what was filled in', () => {
    assert.deepEqual(form.cameraRequest({ id: ' lobby ', url: 'rtsp://10.0.0.6/s', name: '', fps: '', rtspTransport: '', username: '', password: '' }), { body: { id: 'lobby', url: 'rtsp://10.0.0.6/s', enabled: false } });
    assert.deepEqual(form.cameraRequest({ id: 'a', url: 'rtsp://10.0.0.6/s', name: 'Lobby', fps: '2.5', rtspTransport: 'udp', username: 'u', password: 'p', enabled: 'on' }), {
      body: { id: 'a', url: 'rtsp://10.0.0.6/s', enabled: true, name: 'Lobby', fps: 2.5, rtspTransport: 'udp', username: 'u', password: 'p' },
    });
    assert.ok('error' in form.cameraRequest({ id: 'a', url: 'rtsp://u:p@10.0.0.6/s' }));
    assert.ok('error' in form.cameraRequest({ id: 'a', url: 'rtsp://u@10.0.0.6/s' }));
    assert.ok('error' in form.cameraRequest({ id: '', url: 'rtsp://10.0.0.6/s' }));
    assert.ok('error' in form.cameraRequest({ id: 'a', url: ' ' }));
    assert.ok('body' in form.cameraRequest({ id: 'a', url: 'file:samples/clip.mp4' }), 'the gateway judges other URLs');
  });
});
