import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventDraft, type CloudEvent } from '../../src/events';
import { decodeImage } from '../../src/imaging';
import { FACES } from '../helpers/paths';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { waitFor } from '../helpers/wait';

const photo = (person: string, file: string): Buffer => readFileSync(join(FACES, person, file));
const MIN = 60_000;
/** Recent (retention keeps 30 days), on a 5-minute boundary (the timeline's grain). */
const START = Math.floor((Date.now() - 180 * MIN) / (5 * MIN)) * 5 * MIN;
const LIN = { id: 'id-lin', name: 'Lin-Manuel Miranda', externalId: null };

interface Page {
  events: CloudEvent[];
  sequence: number;
  run: string;
  scope: string;
  next?: string | null;
  nextCursor?: string | null;
}

/**
 * The stored history through the real App: events published on the real bus, written to
 * history.db by its sink, read back through GET /v1/events (scope=stored, cursor, filters) and
 * /v1/events/timeline; after a restart on the same data directory; face search with real models.
 */
describe('API: stored event history and face search (real App, models, SQLite)', () => {
  let t: TestApp;
  const published: CloudEvent[] = [];

  /** A face answer as the recognizer would publish it, with its track's embedding noted first. */
  function face(i: number, camera: string, type: 'vigil.face.recognized' | 'vigil.face.unknown', embedding?: Float32Array): CloudEvent {
    const trackId = `trk-${i}`;
    if (embedding) t.app.history?.events.noteEmbedding(trackId, embedding);
    const data = { camera, trackId, similarity: 0.5, firstSeen: new Date(START + i * MIN).toISOString(), box: { x: 1, y: 2, width: 90, height: 110 }, quality: { score: 0.8, sharpness: 200, brightness: 0.5, faceSize: 110, frontalness: 0.9 }, liveness: 0.9, snapshots: null, ...(type === 'vigil.face.recognized' && { identity: LIN }) };
    const event = t.app.bus.publish(eventDraft('urn:vigil:gateway:gw-test', type, START + i * MIN, data)) as CloudEvent;
    published.push(event);
    return event;
  }

  async function embed(person: string, file: string): Promise<Float32Array> {
    const image = await decodeImage(join(FACES, person, file));
    const detected = await t.app.pool.detect(image.pixels, image.width, image.height, true);
    const largest = [...detected.faces].sort((a, b) => b.box.height - a.box.height)[0];
    assert.ok(largest?.landmarks);
    const { embeddings } = await t.app.pool.embed(detected.pixels, image.width, image.height, [{ landmarks: largest.landmarks }]);
    return embeddings[0] as Float32Array;
  }

  const get = async (url: string): Promise<{ status: number; body: Page & { error?: { code: string; message: string } } }> => {
    const response = await t.request({ method: 'GET', url, as: 'viewer' });
    return { status: response.statusCode, body: response.json() };
  };
  const storedCount = () => t.app.history?.events.store?.usage().events ?? 0;

  before(async () => {
    t = await startTestApp({ cameras: [] });
    const lin = await embed('lin_manuel_miranda', 'lin1.png');
    const obama = await embed('obama', 'obama1.jpg');
    const biden = await embed('biden', 'biden1.jpg');
    // 30 face answers over three cameras: Lin recognised on the stage, Obama and Biden unknown here and there.
    for (let i = 0; i < 30; i++) {
      const who = i % 3;
      face(i, ['stage', 'gate', 'lobby'][i % 3 === 0 ? 0 : (i % 2) + 1] as string, who === 0 ? 'vigil.face.recognized' : 'vigil.face.unknown', who === 0 ? lin : who === 1 ? obama : biden);
    }
    await waitFor(() => storedCount() === 30, { timeoutMs: 10_000, what: 'the history writing the events' });
    await waitFor(() => t.app.history?.searchIndex?.state === 'ready', { timeoutMs: 30_000, what: 'the face search index' });
  });
  after(async () => t?.stop());

  it('keeps GET /v1/events as it was: this run\'s recent events from memory, newest last', async () => {
    const { status, body } = await get('/v1/events?limit=5');
    assert.equal(status, 200);
    assert.equal(body.scope, 'run');
    assert.deepEqual(body.events.map((e) => e.id), published.slice(-5).map((e) => e.id));
    assert.equal(body.sequence, published[published.length - 1]?.sequence);
  });

  it('pages through the stored history newest first with an opaque cursor', async () => {
    const ids: string[] = [];
    let url = '/v1/events?scope=stored&limit=7';
    for (let pages = 0; pages < 10; pages++) {
      const { status, body } = await get(url);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.scope, 'stored');
      ids.push(...body.events.map((e) => e.id));
      assert.equal(body.nextCursor, body.next, 'nextCursor: the same cursor under its earlier name');
      if (!body.next) break;
      // The cursor alone: it says it pages the stored history.
      url = `/v1/events?limit=7&cursor=${encodeURIComponent(body.next)}`;
    }
    assert.deepEqual(ids, [...published].reverse().map((e) => e.id));
  });

  it('pages whichever history the cursor came from; a scope contradicting the cursor is refused', async () => {
    // This run's events (all 30 are in memory): newest last, `next` pages back, cursor alone.
    const run = await get('/v1/events?limit=10');
    assert.equal(run.body.scope, 'run');
    assert.ok(run.body.next, 'older events of this run match');
    const runCursor = encodeURIComponent(run.body.next);
    const older = await get(`/v1/events?limit=10&cursor=${runCursor}`);
    assert.equal(older.status, 200, JSON.stringify(older.body));
    assert.equal(older.body.scope, 'run');
    assert.deepEqual(older.body.events.map((e) => e.id), published.slice(-20, -10).map((e) => e.id), 'the ten before, newest last');
    assert.equal((await get(`/v1/events?limit=10&scope=run&cursor=${runCursor}`)).body.scope, 'run');
    // The stored history: newest first, its cursor pages the stored history.
    const stored = await get('/v1/events?scope=stored&limit=10');
    const storedCursor = encodeURIComponent(stored.body.next as string);
    const storedNext = await get(`/v1/events?limit=10&cursor=${storedCursor}`);
    assert.equal(storedNext.body.scope, 'stored');
    assert.deepEqual(storedNext.body.events.map((e) => e.id), [...published].reverse().slice(10, 20).map((e) => e.id));
    const refused: [string, string][] = [
      [`/v1/events?scope=stored&cursor=${runCursor}`, 'querystring.scope'],
      [`/v1/events?scope=run&cursor=${storedCursor}`, 'querystring.scope'],
      [`/v1/events?cursor=${runCursor}&from=2026-01-01T00:00:00Z`, 'querystring.from'],
    ];
    for (const [url, field] of refused) {
      const response = await t.request({ method: 'GET', url, as: 'viewer' });
      assert.equal(response.statusCode, 400, url);
      const error = (response.json() as { error: { code: string; details: { field: string } } }).error;
      assert.deepEqual([error.code, error.details.field], ['VIGIL_ERR_BAD_REQUEST', field], url);
    }
  });

  it('filters stored events by camera, unknown faces, identity and time', async () => {
    const only = async (query: string) => (await get(`/v1/events?${query}&limit=100`)).body.events;
    const gate = await only('camera=gate&scope=stored');
    assert.ok(gate.length > 0 && gate.every((e) => e.subject === 'gate'));
    const unknown = await only('unknown=true');
    assert.equal(unknown.length, 20);
    assert.ok(unknown.every((e) => e.type === 'vigil.face.unknown'));
    assert.equal((await only('identity=Lin-Manuel%20Miranda&scope=stored')).length, 10);
    assert.equal((await only('identity=id-lin&unknown=true')).length, 0);
    const window = await only(`from=${new Date(START + 10 * MIN).toISOString()}&to=${new Date(START + 20 * MIN).toISOString()}`);
    assert.deepEqual(window.map((e) => e.id), published.slice(10, 20).reverse().map((e) => e.id));
  });

  it('refuses what it cannot answer, with a code', async () => {
    const first = await get('/v1/events?scope=stored&limit=2');
    const cursor = encodeURIComponent(first.body.next as string);
    const cases: [string, string][] = [
      [`/v1/events?cursor=${cursor}&camera=lobby`, 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?cursor=bm90LWEtY3Vyc29y', 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?scope=run&from=2026-01-01T00:00:00Z', 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?scope=stored&since=12', 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?from=yesterday', 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', 'VIGIL_ERR_BAD_REQUEST'],
      ['/v1/events?unknown=maybe', 'VIGIL_ERR_BAD_REQUEST'],
    ];
    for (const [url, code] of cases) {
      const { status, body } = await get(url);
      assert.equal(status, 400, url);
      assert.equal(body.error?.code, code, url);
    }
    // The same filter given again with its cursor is fine.
    assert.equal((await get(`/v1/events?cursor=${cursor}&scope=stored`)).status, 200);
  });

  it('reads one stored event by id', async () => {
    const one = await t.request({ method: 'GET', url: `/v1/events/${published[3]?.id}`, as: 'viewer' });
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), JSON.parse(JSON.stringify(published[3])), 'exactly as published');
    const none = await t.request({ method: 'GET', url: '/v1/events/no-such-event', as: 'viewer' });
    assert.equal(none.statusCode, 404);
    assert.equal((none.json() as { error: { code: string } }).error.code, 'VIGIL_ERR_EVENT_NOT_FOUND');
  });

  it('counts stored events per camera and type in time buckets', async () => {
    const { status, body } = await get(`/v1/events/timeline?from=${START}&to=${START + 30 * MIN}&buckets=6`);
    assert.equal(status, 200);
    const timeline = body as unknown as { bucketMs: number; series: { camera: string; type: string; counts: number[] }[] };
    assert.equal(timeline.bucketMs, 5 * MIN);
    const total = timeline.series.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
    assert.equal(total, 30);
    const stage = timeline.series.find((s) => s.camera === 'stage' && s.type === 'vigil.face.recognized');
    assert.deepEqual(stage?.counts, [2, 2, 1, 2, 2, 1], 'minutes 0, 3 | 6, 9 | 12 | 15, 18 | 21, 24 | 27');
  });

  it('finds every appearance of a person from a photo (JSON and multipart), and from a stored event', async () => {
    const search = async (payload: object | { payload: Buffer; headers: Record<string, string> }) => {
      const request = 'payload' in payload ? { method: 'POST' as const, url: '/v1/search/faces', ...payload } : { method: 'POST' as const, url: '/v1/search/faces', payload };
      const response = await t.request({ ...request, as: 'viewer' });
      return { status: response.statusCode, body: response.json() as { results: { eventId: string; similarity: number; camera: string; event: CloudEvent }[]; searched: number; query: { source: string }; error?: { code: string } } };
    };
    const lin = published.filter((e) => e.type === 'vigil.face.recognized').map((e) => e.id);
    const byPhoto = await search({ image: photo('lin_manuel_miranda', 'lin1.png').toString('base64'), limit: 20 });
    assert.equal(byPhoto.status, 200, JSON.stringify(byPhoto.body));
    assert.equal(byPhoto.body.searched, 30);
    assert.deepEqual(new Set(byPhoto.body.results.map((r) => r.eventId)), new Set(lin), 'Lin\'s ten appearances and nobody else');
    assert.ok(byPhoto.body.results.every((r, i, all) => i === 0 || (all[i - 1]?.similarity ?? 0) >= r.similarity));

    // Another photo of Obama than the one his appearances were embedded from.
    const boundary = '----vigil-search';
    const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="limit"\r\n\r\n5\r\n--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="o.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), photo('obama', 'obama2.jpg'), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const multipart = await search({ payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(multipart.status, 200, JSON.stringify(multipart.body));
    assert.equal(multipart.body.results.length, 5);
    assert.ok(multipart.body.results.every((r) => published.indexOf(published.find((e) => e.id === r.eventId) as CloudEvent) % 3 === 1), 'Obama\'s appearances');

    const fromEvent = await search({ eventId: lin[0] as string, limit: 50 });
    assert.equal(fromEvent.status, 200);
    assert.equal(fromEvent.body.query.source, 'event');
    assert.deepEqual(new Set(fromEvent.body.results.map((r) => r.eventId)), new Set(lin.slice(1)), 'the other nine, not the one searched with');

    const refused: [object, number, string][] = [
      [{ limit: 5 }, 400, 'VIGIL_ERR_BAD_REQUEST'],
      [{ eventId: 'no-such-event' }, 404, 'VIGIL_ERR_EVENT_NOT_FOUND'],
      [{ image: Buffer.from('not an image at all').toString('base64') }, 415, 'VIGIL_ERR_IMAGE_TYPE'],
      [{ eventId: lin[0], image: photo('obama', 'obama1.jpg').toString('base64') }, 400, 'VIGIL_ERR_BAD_REQUEST'],
    ];
    for (const [payload, status, code] of refused) {
      const answer = await search(payload);
      assert.equal(answer.status, status, JSON.stringify(payload).slice(0, 80));
      assert.equal(answer.body.error?.code, code);
    }
    // A bad time in the search body is named where it was given (the body, not the query string).
    const badTime = await t.request({ method: 'POST', url: '/v1/search/faces', payload: { eventId: lin[0], from: 'yesterday' }, as: 'viewer' });
    assert.equal(badTime.statusCode, 400);
    assert.equal((badTime.json() as { error: { details: { field: string } } }).error.details.field, 'body.from');
  });

  it('keeps the stored history across a restart (the in-memory one starts empty)', async () => {
    const dir = t.dir;
    await t.stop();
    t = await startTestApp({ cameras: [] }, { dir });
    assert.equal((await get('/v1/events?limit=100')).body.events.length, 0, 'the new run has no recent events');
    const stored = await get('/v1/events?scope=stored&limit=100');
    assert.deepEqual(stored.body.events.map((e) => e.id), [...published].reverse().map((e) => e.id));
    const ada = await t.request({ method: 'GET', url: '/v1/identities', as: 'viewer' });
    assert.equal(ada.statusCode, 200);
  });

  it('answers 404 VIGIL_ERR_HISTORY_DISABLED for stored history and search when the history is off', async () => {
    const off = await startTestApp({ cameras: [], history: { enabled: false } });
    try {
      const stored = await off.request({ method: 'GET', url: '/v1/events?scope=stored', as: 'viewer' });
      assert.equal(stored.statusCode, 404);
      assert.equal((stored.json() as { error: { code: string } }).error.code, 'VIGIL_ERR_HISTORY_DISABLED');
      const search = await off.request({ method: 'POST', url: '/v1/search/faces', payload: { eventId: 'x' }, as: 'viewer' });
      assert.equal(search.statusCode, 404);
      assert.equal((await off.request({ method: 'GET', url: '/v1/events', as: 'viewer' })).statusCode, 200, 'recent events still served');
    } finally {
      await off.stop();
    }
  });
});
