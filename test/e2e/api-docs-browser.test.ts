import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { artifactPath, collectPageErrors, launchChromium } from '../helpers/browser';

/**
 * The OpenAPI document served with a browsable UI at /docs (Swagger UI from the npm package, every
 * file from the gateway itself), in a real Chromium: it shows the API's routes from the same
 * document as /openapi.json and reaches nothing outside the gateway.
 */
describe('API documentation UI at /docs (real App, real Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  before(async () => {
    t = await startTestApp({ api: { watchConfig: false }, cameras: [] });
    const { host, port } = t.app.http.address;
    baseUrl = `http://${host}:${port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('serves the page and its files without a token, and the same document as /openapi.json', async () => {
    const page = await t.request({ method: 'GET', url: '/docs', as: null });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(assets.length >= 4, assets.join(' '));
    for (const asset of assets) {
      assert.doesNotMatch(asset, /^(https?:)?\/\//, `${asset} is served by the gateway`);
      const url = asset.startsWith('/') ? asset : `/docs/${asset.replace(/^\.\//, '')}`;
      assert.equal((await t.request({ method: 'GET', url, as: null })).statusCode, 200, url);
    }
    const shown = (await t.request({ method: 'GET', url: '/docs/json', as: null })).json();
    const served = (await t.request({ method: 'GET', url: '/openapi.json', as: null })).json() as { paths: Record<string, unknown> };
    assert.deepEqual(shown, served);
    assert.ok(!Object.keys(served.paths).some((p) => p.startsWith('/docs')), "the UI's own files are not API routes");
  });

  it('renders every route group in Chromium, loading nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    try {
      await page.goto(`${baseUrl}/docs`);
      await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
      const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.getAttribute('data-path') ?? n.textContent ?? ''));
      for (const path of ['/v1/cameras', '/v1/identities', '/v1/events', '/v1/tokens', '/readyz']) assert.ok(paths.some((p) => p.replace(/\u200b/g, '') === path), `${path} in ${paths.join(', ')}`);
      const title = await page.textContent('.info .title');
      assert.match(title ?? '', /Vigil gateway API/);
      await page.screenshot({ path: artifactPath('api-docs.png') });
      assert.deepEqual(requests.filter((url) => !url.startsWith(baseUrl) && !url.startsWith('data:')), [], 'every request went to the gateway');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
