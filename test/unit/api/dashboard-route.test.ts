import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDashboardRoute, resolveDashboardAsset } from '../../../src/api/dashboard-route';

describe('dashboard route: which names are served', () => {
  const table: [string, string | null][] = [
    ['', 'text/html; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
    ['main.js', 'text/javascript; charset=utf-8'],
    ['event-store.js.map', 'application/json; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['package.json', null],
    ['web.tsbuildinfo', null],
    ['..', null],
    ['../package.json', null],
    ['..%2Fpackage.json', null],
    ['.hidden.js', null],
    ['a..js', null],
    ['sub/main.js', null],
    ['main.js/', null],
    ['main', null],
    ['C:\\x.js', null],
    ['main.js\u0000.html', null],
  ];
  for (const [name, type] of table) {
    it(`${JSON.stringify(name)} → ${type ?? 'refused'}`, () => {
      assert.equal(resolveDashboardAsset(name)?.contentType ?? null, type);
    });
  }
});

describe('dashboard route over HTTP', () => {
  let app: FastifyInstance;
  const root = mkdtempSync(join(tmpdir(), 'vigil-dash-'));
  const dir = join(root, 'web');

  before(async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};\n');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    mkdirSync(join(dir, 'folder.js'));
    writeFileSync(join(root, 'secret.js'), 'outside');
    app = Fastify();
    app.get('/healthz', async () => ({ status: 'ok' }));
    registerDashboardRoute(app, dir);
    await app.ready();
  });

  after(() => app.close());

  it('serves index.html at / and files by name, with types, revalidation and a strict policy', async () => {
    const index = await app.inject({ url: '/' });
    assert.equal(index.statusCode, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['cache-control'], 'no-cache');
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.match(String(index.headers['content-security-policy']), /script-src 'self';/);
    assert.match(index.body, /<title>t<\/title>/);
    const js = await app.inject({ url: '/main.js' });
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body, 'export {};\n');
  });

  it('answers 304 to a matching ETag', async () => {
    const first = await app.inject({ url: '/main.js' });
    const etag = String(first.headers.etag);
    assert.match(etag, /^W\/"/);
    const again = await app.inject({ url: '/main.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('never leaves the folder and never serves other kinds of files', async () => {
    for (const url of ['/..%2Fsecret.js', '/%2e%2e%2fsecret.js', '/../secret.js', '/..%5csecret.js', '/package.json', '/folder.js', '/missing.js', '/.js']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes('outside'), url);
      if (response.headers['content-type']?.toString().startsWith('application/json')) {
        const body = response.json() as { error?: { code: string } };
        if (body.error) assert.equal(body.error.code, 'VIGIL_ERR_DASHBOARD_FILE_NOT_FOUND', url);
      }
    }
  });

  it('leaves the API routes to the API', async () => {
    assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { status: 'ok' });
  });
});
