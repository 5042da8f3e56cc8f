import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AppearanceSearch, EventHistory } from '../../src/history';
import { GalleryData } from '../helpers/gallery-data';
import { SyntheticEvents } from '../helpers/history-data';
import { waitFor } from '../helpers/wait';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Recent: the history keeps a year here. */
const START = Date.now() - 10 * 86_400_000;
const PLANTED = 5;

/**
 * The face search worker over stored appearances: real history.db, real worker thread and usearch
 * index. Generated embeddings (test/helpers/gallery-data.ts): 40 people each seen PLANTED times
 * among 3,000 strangers; a new view of a person must find that person's appearances first.
 */
describe('face search over stored appearances (worker, ANN index, exact re-rank)', () => {
  const data = new GalleryData({ identities: 5000, seed: 21 });
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-appearances-'));
  dirs.push(dataDir);
  const files = { bytesOf: () => null, remove: () => undefined, prune: () => 0 };
  const newHistory = () => new EventHistory({ dataDir, maxAgeDays: 365, maxBytes: 1024 ** 3, types: ['vigil.face.recognized', 'vigil.face.unknown'], flushIntervalMs: 5, maxPendingEvents: 100_000, retentionIntervalMs: 3_600_000, snapshots: files, embeddingModel: () => 'model-a', logger: pino({ level: 'silent' }) });
  const newSearch = (history: EventHistory, model = 'model-a') =>
    new AppearanceSearch({ dbPath: history.store?.path as string, model, quantization: 'i8', expansionSearch: 128, expansionAdd: 64, persistIndex: true, buildThreads: 1, persistMinRows: 100 });
  const events = new SyntheticEvents({ cameras: ['gate', 'lobby', 'dock'], identities: [], start: START, stepMs: 1000, seed: 2 });
  /** event id -> person (planted) or -1 (stranger). */
  const personOf = new Map<string, number>();
  let n = 0;
  function publish(history: EventHistory, vector: Float32Array, person: number, overrides: { camera?: string; time?: number } = {}): string {
    const published = events.event(n, { type: 'vigil.face.unknown', identity: null, ...overrides });
    history.noteEmbedding(`trk-${n}`, vector);
    history.publish(published);
    personOf.set(published.event.id, person);
    n++;
    return published.event.id;
  }

  it('finds every appearance of the person, best first, across cameras; follows new and deleted appearances', async () => {
    const history = newHistory();
    await history.start();
    for (let s = 0; s < 3000; s++) publish(history, data.stranger(s), -1);
    for (let p = 0; p < 40; p++) for (let k = 0; k < PLANTED; k++) publish(history, data.viewOf(p, k), p, { camera: ['gate', 'lobby', 'dock'][k % 3] as string });
    history.flushNow();
    const search = newSearch(history);
    await search.start();
    try {
      let found = 0;
      let wanted = 0;
      for (let p = 0; p < 40; p++) {
        const answer = await search.search({ vector: data.viewOf(p, 100), limit: PLANTED, minSimilarity: 0.35, cameras: null, from: null, to: null, exclude: null });
        assert.equal(answer.searched, 3000 + 40 * PLANTED);
        const rows = history.store?.rows(answer.hits.map((h) => h.row)) ?? [];
        const people = rows.map((r) => personOf.get(r.eventId));
        found += people.filter((x) => x === p).length;
        wanted += PLANTED;
        for (let i = 1; i < answer.hits.length; i++) assert.ok((answer.hits[i - 1]?.similarity ?? 0) >= (answer.hits[i]?.similarity ?? 0), 'best first');
      }
      assert.ok(found / wanted >= 0.95, `recall ${found}/${wanted}`);

      // Filters: one camera, a time window.
      const onGate = await search.search({ vector: data.viewOf(3, 101), limit: 50, minSimilarity: 0.35, cameras: ['gate'], from: null, to: null, exclude: null });
      const gateRows = history.store?.rows(onGate.hits.map((h) => h.row)) ?? [];
      assert.ok(gateRows.length >= 1 && gateRows.every((r) => r.camera === 'gate'));

      // An appearance stored after the index was built is found without a restart.
      const late = publish(history, data.viewOf(41, 0), 41);
      history.flushNow();
      const answer = await search.search({ vector: data.viewOf(41, 1), limit: 3, minSimilarity: 0.35, cameras: null, from: null, to: null, exclude: null });
      assert.equal(history.store?.rows(answer.hits.map((h) => h.row))[0]?.eventId, late);

      // Deleted (retention): no longer found.
      history.store?.db.prepare('DELETE FROM events WHERE event_id = ?').run(late);
      const gone = await search.search({ vector: data.viewOf(41, 1), limit: 3, minSimilarity: 0.35, cameras: null, from: null, to: null, exclude: null });
      assert.ok(gone.hits.every((h) => history.store?.rows([h.row])[0]?.eventId !== late));
      assert.equal((await search.stats()).size, 3000 + 40 * PLANTED);
    } finally {
      await search.close();
      await history.close();
    }
    const indexDir = join(dataDir, 'history-index');
    assert.ok(existsSync(join(indexDir, 'current.json')) && readdirSync(indexDir).some((f) => f.startsWith('appearances-')), 'the index was saved at close');
  });

  it('loads its index file at restart; another model\'s appearances are never mixed in', async () => {
    const history = newHistory();
    await history.start();
    const search = newSearch(history);
    await search.start();
    const other = newSearch(history, 'model-b');
    await other.start();
    try {
      await waitFor(() => search.state === 'ready' && other.state === 'ready', { timeoutMs: 30_000, what: 'both indexes ready' });
      assert.equal(search.readyStats?.origin, 'loaded');
      assert.equal(search.readyStats?.size, 3000 + 40 * PLANTED);
      assert.equal(other.readyStats?.size, 0, 'model-b has no appearances');
      const answer = await search.search({ vector: data.viewOf(7, 102), limit: PLANTED, minSimilarity: 0.35, cameras: null, from: null, to: null, exclude: null });
      const rows = history.store?.rows(answer.hits.map((h) => h.row)) ?? [];
      assert.ok(rows.filter((r) => personOf.get(r.eventId) === 7).length >= PLANTED - 1);
    } finally {
      await other.close();
      await search.close();
      await history.close();
    }
  });
});
