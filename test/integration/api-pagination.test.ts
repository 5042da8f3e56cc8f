import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { publishFace } from '../helpers/event-clients';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { encodeCursor } from '../../src/api/pagination';

interface Page<T> {
  items: T[];
  next: string | null;
}

/** Cursor pagination of the lists that grow, with today's unpaginated answers kept for clients that do not ask for pages. */
describe('pagination: identities, tokens, events (real App, inject)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ api: { watchConfig: false, rateLimitBurst: 100 }, cameras: [] });
  });
  after(async () => t?.stop());

  async function walk<T>(url: string, as: 'viewer' | 'admin', limit: number): Promise<T[][]> {
    const pages: T[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await t.request({ method: 'GET', url: `${url}?${query}`, as });
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json() as Page<T>;
      pages.push(page.items);
      cursor = page.next;
      assert.ok(pages.length < 50, 'pages end');
    } while (cursor !== null);
    return pages;
  }

  it('identities: a bare array without limit or cursor (as before), pages by name with them', async () => {
    const names = ['Grace', 'Ada', 'Linus', 'Barbara', 'Edsger', 'Ken', 'Margaret'];
    for (const name of names) assert.equal((await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name } })).statusCode, 201);
    const all = (await t.request({ method: 'GET', url: '/v1/identities', as: 'viewer' })).json() as { name: string }[];
    assert.ok(Array.isArray(all));
    assert.deepEqual(all.map((i) => i.name), [...names].sort());
    const pages = await walk<{ name: string }>('/v1/identities', 'viewer', 3);
    assert.deepEqual(pages.map((p) => p.map((i) => i.name)), [['Ada', 'Barbara', 'Edsger'], ['Grace', 'Ken', 'Linus'], ['Margaret']]);
    // A page stays put when items before it change: keyed by name, not by offset.
    const first = (await t.request({ method: 'GET', url: '/v1/identities?limit=3', as: 'viewer' })).json() as Page<{ name: string }>;
    assert.equal((await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name: 'Alan' } })).statusCode, 201);
    const second = (await t.request({ method: 'GET', url: `/v1/identities?limit=3&cursor=${first.next}`, as: 'viewer' })).json() as Page<{ name: string }>;
    assert.deepEqual(second.items.map((i) => i.name), ['Grace', 'Ken', 'Linus']);
  });

  it('tokens: every token once across pages, oldest first, never a secret', async () => {
    for (let i = 0; i < 4; i++) assert.equal((await t.request({ method: 'POST', url: '/v1/tokens', as: 'admin', payload: { role: 'viewer', name: `t${i}` } })).statusCode, 201);
    const all = (await t.request({ method: 'GET', url: '/v1/tokens', as: 'admin' })).json() as { id: string }[];
    const pages = await walk<{ id: string; token?: string }>('/v1/tokens', 'admin', 2);
    const ids = pages.flat().map((x) => x.id);
    assert.equal(ids.length, all.length);
    assert.deepEqual([...ids].sort(), all.map((x) => x.id).sort());
    assert.ok(pages.flat().every((x) => x.token === undefined));
    assert.ok(pages.every((p) => p.length <= 2));
  });

  it('events: `next` pages back through older matching events; a cursor of another run is refused', async () => {
    const published = Array.from({ length: 10 }, () => publishFace(t.app.bus, 'paged').sequence);
    const first = (await t.request({ method: 'GET', url: '/v1/events?camera=paged&limit=4', as: 'viewer' })).json() as { events: { sequence: number }[]; next: string | null };
    assert.deepEqual(first.events.map((e) => e.sequence), published.slice(-4), 'the newest, newest last');
    const pages = [first.events.map((e) => e.sequence)];
    let next = first.next;
    while (next !== null) {
      const page = (await t.request({ method: 'GET', url: `/v1/events?camera=paged&limit=4&cursor=${encodeURIComponent(next)}`, as: 'viewer' })).json() as { events: { sequence: number }[]; next: string | null };
      pages.push(page.events.map((e) => e.sequence));
      next = page.next;
    }
    assert.deepEqual(pages, [published.slice(6), published.slice(2, 6), published.slice(0, 2)]);
    const all = (await t.request({ method: 'GET', url: '/v1/events?camera=paged', as: 'viewer' })).json() as { events: unknown[]; next: string | null };
    assert.deepEqual([all.events.length, all.next], [10, null], 'no limit reached: no next');

    const stale = await t.request({ method: 'GET', url: `/v1/events?cursor=${encodeCursor({ run: 'another-run', before: 5 })}`, as: 'viewer' });
    assert.equal(stale.statusCode, 400);
    assert.match((stale.json() as { error: { message: string } }).error.message, /earlier run/);
  });

  it('refuses a cursor it never gave out and a limit out of range', async () => {
    for (const url of ['/v1/identities?cursor=bm90LWEtY3Vyc29y', '/v1/tokens?cursor=%7B', '/v1/identities?limit=0', '/v1/tokens?limit=1001', '/v1/events?cursor=abc']) {
      const res = await t.request({ method: 'GET', url, as: 'admin' });
      assert.equal(res.statusCode, 400, url);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'VIGIL_ERR_BAD_REQUEST', url);
    }
  });
});
