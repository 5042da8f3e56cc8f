import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../helpers/paths';

/**
 * The pure parts of the dashboard's views (routes, the history filter as route and API query,
 * how any stored event reads, the timeline's rows), imported from the compiled ES modules the
 * browser loads. Shapes restated: the Node build does not compile web/.
 */
type Params = URLSearchParams;
interface State { camera: string | null; identity: string | null; unknown: boolean; from: number | null; to: number | null }
interface RouterModule {
  parseRoute(hash: string, known: readonly string[], fallback: string): { id: string; params: Params };
  routeHash(id: string, params?: Record<string, string | null | undefined>): string;
}
interface HistoryQueryModule {
  EMPTY_STATE: State;
  stateFromParams(params: Params): State;
  stateToParams(state: State): Record<string, string | null>;
  eventsQuery(state: State, limit: number): string;
  nextPageQuery(cursor: string, limit: number): string;
  timelineQuery(state: State, now: number, buckets: number): string;
}
interface EventViewModule {
  summarize(event: unknown): { kind: string; title: string; detail: string; camera: string; snapshots: unknown; searchable: boolean };
  asFaceEvent(event: unknown): { type: string; data: { snapshots?: unknown; box?: unknown } };
}
interface TimelineModule {
  timelineRows(t: unknown): { camera: string; recognized: number[]; unknown: number[] }[];
}

const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(join(ROOT, 'dist', 'web', name)).href)) as T;

describe('dashboard views: routes, history queries, event summaries, timeline rows', () => {
  let router: RouterModule;
  let history: HistoryQueryModule;
  let view: EventViewModule;
  let timeline: TimelineModule;
  before(async () => {
    [router, history, view, timeline] = await Promise.all([load<RouterModule>('router.js'), load<HistoryQueryModule>('history-query.js'), load<EventViewModule>('event-view.js'), load<TimelineModule>('timeline-chart.js')]);
  });

  it('routes hashes to views, unknown ones to the fallback', () => {
    const known = ['live', 'history', 'search'];
    const cases: [string, string, Record<string, string>][] = [
      ['', 'live', {}],
      ['#/history', 'history', {}],
      ['#/history?camera=gate&unknown=1', 'history', { camera: 'gate', unknown: '1' }],
      ['#/search?event=abc', 'search', { event: 'abc' }],
      ['#/nowhere', 'live', {}],
      ['#views', 'live', {}],
    ];
    for (const [hash, id, params] of cases) {
      const route = router.parseRoute(hash, known, 'live');
      assert.equal(route.id, id, hash);
      assert.deepEqual(Object.fromEntries(route.params), params, hash);
    }
    assert.equal(router.routeHash('history', { camera: 'gate', identity: null, unknown: '' }), '#/history?camera=gate');
    assert.equal(router.routeHash('people'), '#/people');
  });

  it('keeps the history filter in the route and asks the API for it', () => {
    const state: State = { camera: 'gate', identity: 'Ada', unknown: false, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) };
    const params = new URLSearchParams(Object.entries(history.stateToParams(state)).filter(([, v]) => v !== null) as [string, string][]);
    assert.deepEqual(history.stateFromParams(params), state, 'round trip through the route');
    const events = new URL(history.eventsQuery(state, 50), 'http://x');
    assert.equal(events.pathname, '/v1/events');
    assert.equal(events.searchParams.get('scope'), 'stored');
    assert.equal(events.searchParams.get('camera'), 'gate');
    assert.equal(events.searchParams.get('identity'), 'Ada');
    assert.equal(events.searchParams.get('from'), '2026-01-01T00:00:00.000Z');
    const unknown = new URL(history.eventsQuery({ ...state, unknown: true }, 50), 'http://x');
    assert.equal(unknown.searchParams.get('unknown'), 'true');
    assert.equal(unknown.searchParams.get('identity'), null, 'unknown faces have no identity to filter on');
    assert.equal(history.nextPageQuery('abc', 50), '/v1/events?cursor=abc&limit=50');
    const day = new URL(history.timelineQuery(history.EMPTY_STATE, Date.UTC(2026, 0, 2), 48), 'http://x');
    assert.equal(day.searchParams.get('from'), '2026-01-01T00:00:00.000Z', 'the last 24 hours by default');
    assert.equal(day.searchParams.get('buckets'), '48');
  });

  it('reads every stored event type for a list', () => {
    const snapshots = { face: '/v1/snapshots/a', frame: '/v1/snapshots/b' };
    const box = { x: 1, y: 2, width: 3, height: 4 };
    const base = { specversion: '1.0', id: 'e', source: 's', time: '2026-01-01T00:00:00Z', subject: 'gate' };
    const recognized = view.summarize({ ...base, type: 'vigil.face.recognized', data: { camera: 'gate', trackId: 't', similarity: 0.61, identity: { id: 'i', name: 'Ada' }, snapshots, box } });
    assert.deepEqual([recognized.kind, recognized.title, recognized.detail, recognized.searchable], ['recognized', 'Ada', 'similarity 0.61', true]);
    assert.equal(view.summarize({ ...base, type: 'vigil.face.unknown', data: { camera: 'gate', trackId: 't', similarity: 0.1, snapshots, box } }).title, 'Unknown face');
    const ended = { ...base, type: 'vigil.face.track.ended', data: { camera: 'gate', trackId: 't', durationMs: 2500, frames: 12, identity: null, best: { box, snapshots, quality: {}, liveness: null } } };
    const s = view.summarize(ended);
    assert.deepEqual([s.kind, s.title, s.detail, s.searchable], ['ended', 'Unknown face left', 'seen 2.5 s, 12 frames', false]);
    assert.deepEqual(s.snapshots, snapshots);
    const asFace = view.asFaceEvent(ended);
    assert.equal(asFace.type, 'vigil.face.unknown');
    assert.deepEqual([asFace.data.snapshots, asFace.data.box], [snapshots, box], 'the frame viewer finds the best view');
    const status = view.summarize({ ...base, type: 'vigil.camera.status', data: { camera: 'gate', state: 'backoff', previousState: 'stalled', reason: 'no frame for 10 s' } });
    assert.deepEqual([status.kind, status.title, status.detail], ['status', 'Camera backoff', 'no frame for 10 s']);
  });

  it('sums the timeline per camera into recognized and unknown rows', () => {
    const rows = timeline.timelineRows({
      from: '', to: '', bucketMs: 300_000,
      series: [
        { camera: 'gate', type: 'vigil.face.recognized', counts: [1, 0, 2] },
        { camera: 'gate', type: 'vigil.face.unknown', counts: [0, 3, 0] },
        { camera: 'dock', type: 'vigil.face.unknown', counts: [4, 0, 0] },
        { camera: 'dock', type: 'vigil.camera.status', counts: [9, 9, 9] },
      ],
    });
    assert.deepEqual(rows, [
      { camera: 'gate', recognized: [1, 0, 2], unknown: [0, 3, 0] },
      { camera: 'dock', recognized: [0, 0, 0], unknown: [4, 0, 0] },
    ]);
  });
});
