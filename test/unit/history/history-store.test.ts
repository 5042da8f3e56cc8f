import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudEvent, PublishedEvent } from '../../../src/events';
import { HistoryQueries, HistoryStore, type HistoryFilter } from '../../../src/history';
import { SyntheticEvents } from '../../helpers/history-data';

const CAMERAS = ['gate', 'lobby', 'dock', 'roof', 'yard'];
const PEOPLE = [{ id: 'id-ada', name: 'Ada' }, { id: 'id-bob', name: 'Bob' }, { id: 'id-cy', name: 'Cy' }];
const ANY: HistoryFilter = { cameras: null, types: null, identities: null, from: null, to: null };

/** What a filter should give, by scanning every event in memory (the reference the indexes must reproduce). */
function expected(events: readonly CloudEvent[], f: HistoryFilter): string[] {
  return events
    .map((e, row) => ({ e, row: row + 1, t: Date.parse(e.time) }))
    .filter(({ e, t }) => {
      const identity = (e.data as { identity?: { id: string; name: string } | null }).identity ?? null;
      if (f.cameras && !f.cameras.includes(e.subject)) return false;
      if (f.types && !f.types.includes(e.type)) return false;
      if (f.identities && !(identity && (f.identities.includes(identity.id) || f.identities.includes(identity.name)))) return false;
      if (f.from !== null && t < f.from) return false;
      if (f.to !== null && t >= f.to) return false;
      return true;
    })
    .sort((a, b) => b.t - a.t || b.row - a.row)
    .map(({ e }) => e.id);
}

describe('history store: pages from indexes, newest first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-history-'));
  let store: HistoryStore;
  let queries: HistoryQueries;
  const events: CloudEvent[] = [];
  const start = Date.UTC(2026, 0, 1);

  before(() => {
    store = HistoryStore.open(dir);
    queries = new HistoryQueries(store.db);
    const data = new SyntheticEvents({ cameras: CAMERAS, identities: PEOPLE, start, stepMs: 7000, seed: 9 });
    const published: PublishedEvent[] = [];
    // Some events share a time (several cameras in one second): the cursor must order by (time, id).
    for (let i = 0; i < 3000; i++) published.push(data.event(i, i % 10 === 3 ? { time: start + (i - 1) * 7000 } : {}));
    for (let i = 0; i < published.length; i += 500) store.insert(published.slice(i, i + 500), () => null);
    events.push(...published.map((p) => p.event));
  });
  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function allPages(filter: HistoryFilter, limit: number): string[] {
    const ids: string[] = [];
    let position = null;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = queries.page(filter, position, limit);
      ids.push(...page.events.map((json) => (JSON.parse(json) as CloudEvent).id));
      if (!page.next) return ids;
      assert.equal(page.events.length, limit, 'a page before the last is full');
      position = page.next;
    }
    throw new Error('no last page');
  }

  const filters: [string, HistoryFilter][] = [
    ['everything', ANY],
    ['one camera', { ...ANY, cameras: ['lobby'] }],
    ['two cameras, unknown faces only', { ...ANY, cameras: ['gate', 'dock'], types: ['vigil.face.unknown'] }],
    ['one type', { ...ANY, types: ['vigil.face.track.ended'] }],
    ['an identity by id or by name', { ...ANY, identities: ['id-ada', 'Bob'] }],
    ['an identity on one camera', { ...ANY, identities: ['Cy'], cameras: ['yard'] }],
    ['a time range', { ...ANY, from: start + 3600_000, to: start + 4 * 3600_000 }],
    ['a camera and a time range', { ...ANY, cameras: ['roof'], types: ['vigil.face.recognized', 'vigil.camera.status'], from: start + 1800_000, to: start + 9 * 3600_000 }],
    ['nothing matches', { ...ANY, identities: ['nobody'] }],
  ];
  for (const [name, filter] of filters) {
    it(`${name}: paging through gives exactly the matching events, newest first, each once`, () => {
      const want = expected(events, filter);
      assert.deepEqual(allPages(filter, 37), want);
      assert.deepEqual(allPages(filter, 1000), want);
    });
  }

  it('reads every page from an index in its order: no query sorts (a page costs its rows, not the matches)', () => {
    for (const [, filter] of filters) {
      for (const plan of queries.explain(filter, { time: start + 3600_000, id: 1500 }, 50)) {
        assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
        assert.match(plan, /USING (COVERING )?INDEX events_by_/, plan);
      }
    }
  });

  it('counts per camera and type in time buckets (the timeline)', () => {
    const from = start;
    const to = start + 6 * 3600_000;
    const timeline = queries.timeline({ cameras: ['gate'], types: null }, from, to, 12);
    assert.equal(timeline.bucketMs, 30 * 60_000);
    assert.equal(timeline.from, from);
    const total = timeline.series.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
    const want = events.filter((e) => e.subject === 'gate' && Date.parse(e.time) >= from && Date.parse(e.time) < to).length;
    assert.equal(total, want);
    for (const s of timeline.series) assert.equal(s.counts.length, 12);
  });

  it('pages one at a time through events that share a time (the cursor orders by time, then row)', () => {
    const other = mkdtempSync(join(tmpdir(), 'vigil-history-'));
    const small = HistoryStore.open(other);
    try {
      const data = new SyntheticEvents({ cameras: ['a'], identities: PEOPLE, start, stepMs: 0, seed: 4 });
      const same = [0, 1, 2, 3].map((i) => data.event(i, { type: 'vigil.face.unknown' }));
      small.insert(same, () => null);
      const q = new HistoryQueries(small.db);
      const seen: string[] = [];
      let position = null;
      do {
        const page = q.page({ ...ANY, cameras: ['a'] }, position, 1);
        seen.push(...page.events.map((json) => (JSON.parse(json) as CloudEvent).id));
        position = page.next;
      } while (position);
      assert.deepEqual(seen, same.map((p) => p.event.id).reverse());
    } finally {
      small.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('skips an event stored twice, keeps an identity\'s last sighting and counts what it holds', () => {
    const data = new SyntheticEvents({ cameras: CAMERAS, identities: PEOPLE, start, stepMs: 7000, seed: 1 });
    const again = { event: events[5] as CloudEvent, json: JSON.stringify(events[5]), acceptedAt: 0 };
    assert.equal(store.insert([again], () => null), 0);
    const late = data.event(99_999, { type: 'vigil.face.recognized', identity: PEOPLE[0] as { id: string; name: string }, camera: 'dock', time: start + 10 * 86_400_000 });
    assert.equal(store.insert([late], () => null), 1);
    assert.deepEqual(store.lastSeen('id-ada'), { time: new Date(start + 10 * 86_400_000).toISOString(), camera: 'dock', eventId: late.event.id });
    assert.equal(store.lastSeen('id-nobody'), null);
    assert.equal(store.usage().events, 3001);
  });
});
