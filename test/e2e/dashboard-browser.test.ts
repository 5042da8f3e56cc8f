import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { CLIP, FACES, VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { freePort } from '../helpers/ports';
import { startGateway, type Gateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait';
import { artifactPath, collectPageErrors, launchChromium } from '../helpers/browser';

const run = promisify(execFile);

/** The parts of an <img> the test reads in the page (this project compiles without the DOM lib). */
interface LoadedImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly src: string;
  readonly hidden: boolean;
}
const LIN = 'Lin-Manuel Miranda';

/**
 * The dashboard in a real Chromium against a real gateway: the Hamilton clip as a looping file
 * camera, Lin-Manuel Miranda enrolled with the CLI, tokens on (the page must ask for one).
 */
describe('dashboard in a browser', () => {
  const group = new ProcessGroup();
  const token = randomBytes(24).toString('base64url');
  const viewerToken = randomBytes(24).toString('base64url');
  const tokens = `operator:${token},viewer:${viewerToken}`;
  let gateway: Gateway;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const config = {
    gateway: { allowLocalFiles: true, restartDelayMs: 200, restartDelayMaxMs: 1000 },
    recognition: { galleryPollMs: 200 },
    cameras: [{ id: 'stage', name: 'Stage', url: `file:${CLIP}`, loop: true, fps: 5 }],
  };
  // A fixed port and data directory, so that the gateway can be restarted under the page.
  let port: number;
  let dataDir: string;

  before(async () => {
    port = await freePort();
    gateway = await startGateway(group, config, { VIGIL_TOKENS: tokens, VIGIL_PORT: String(port) });
    dataDir = gateway.dataDir;
    const env = { ...process.env, VIGIL_DATA_DIR: gateway.dataDir, VIGIL_CONFIG: '' };
    await run(process.execPath, [VIGIL_BIN, 'enroll', '--name', LIN, join(FACES, 'lin_manuel_miranda', 'lin1.png')], { env });
    await waitFor(() => gateway.logs.some((l) => l.msg === 'gallery reloaded' && l.identities === 1), { timeoutMs: 15_000, what: 'the gateway reloading the gallery' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await group.killAll();
  });

  it('asks for the token, then shows the camera streaming and Lin-Manuel Miranda recognized with a snapshot', async () => {
    // One request sent before the token and answered after it (a busy gateway, a slow network):
    // its 401 must not put the question back once the user has answered it.
    let releaseHeld!: () => void;
    const held = new Promise<void>((resolve) => { releaseHeld = resolve; });
    let heldAnswered: Promise<unknown> | null = null;
    await page.route('**/v1/cameras', async (route) => {
      if (heldAnswered || route.request().headers().authorization) return route.continue();
      heldAnswered = held.then(() => route.continue());
      await heldAnswered;
    });
    const response = await page.goto(`${gateway.baseUrl}/`);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'self'/);

    // The gateway has tokens: the page asks, and shows why.
    await page.locator('#token-dialog').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.locator('#connection').getAttribute('data-state'), 'unauthorized');
    await page.locator('#token-input').fill(token);
    await page.locator('#token-form button[type="submit"]').click();
    await page.locator('#token-dialog').waitFor({ state: 'hidden' });
    await page.locator('#role', { hasText: 'Signed in as operator' }).waitFor({ timeout: 10_000 });
    assert.ok(heldAnswered, 'a request without the token was held');
    const isCameras = (status: number) => (r: { url(): string; status(): number }) => new URL(r.url()).pathname === '/v1/cameras' && r.status() === status;
    const late401 = page.waitForResponse(isCameras(401));
    releaseHeld();
    await late401;
    await page.waitForResponse(isCameras(200));
    await page.unroute('**/v1/cameras');
    assert.equal(await page.evaluate('sessionStorage.getItem("vigil.token")'), token, 'kept in sessionStorage');
    // Refused before the token (the WebSocket upgrade's 401) is expected; from here on, nothing may fail.
    pageErrors.length = 0;
    assert.ok(!page.url().includes(token), 'never in the URL');

    const tile = page.locator('article.tile[data-camera="stage"]');
    await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 30_000 });
    assert.equal(await tile.getAttribute('data-state'), 'streaming');
    assert.equal(await tile.locator('h3').textContent(), 'Stage');
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
    // Analysis rate is computed between two polls of GET /v1/cameras.
    await waitFor(async () => /^\d+\.\d fps of 5/.test((await tile.locator('.fps').textContent()) ?? ''), { timeoutMs: 15_000, what: 'the analysis rate' });

    // The clip loops every 10 s; Lin is on screen in every pass.
    const lin = page.locator('#event-list li.event[data-event-type="recognized"]', { hasText: LIN }).first();
    await lin.waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#token-dialog').isVisible(), false, 'the late 401 did not ask again');
    assert.match((await lin.locator('.similarity').textContent()) ?? '', /^similarity 0\.\d\d$/);
    assert.equal(await lin.locator('.camera').textContent(), 'Stage');
    const thumb = lin.locator('.thumb img');
    await waitFor(() => thumb.evaluate((img) => { const i = img as unknown as LoadedImage; return i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'); }), { timeoutMs: 10_000, what: 'the face snapshot in the feed' });

    // Full frame with the face box drawn on it, inside the picture.
    await lin.locator('.thumb').click();
    await page.locator('#viewer').waitFor({ state: 'visible' });
    await page.locator('#viewer-box').waitFor({ state: 'visible', timeout: 10_000 });
    const [image, box] = [await page.locator('#viewer-image').boundingBox(), await page.locator('#viewer-box').boundingBox()];
    assert.ok(image && box && box.width > 10 && box.x >= image.x - 2 && box.x + box.width <= image.x + image.width + 2, JSON.stringify({ image, box }));
    assert.equal(await page.locator('#viewer-title').textContent(), `${LIN} at Stage`);
    await page.screenshot({ path: artifactPath('dashboard-snapshot.png') });
    await page.locator('#viewer button[type="submit"]').click();
    await page.locator('#viewer').waitFor({ state: 'hidden' });

    // Filters: "Unknown faces" hides Lin, the camera filter keeps him.
    await page.locator('#filter-identity').selectOption('__unknown__');
    await waitFor(async () => (await page.locator('#event-list li[data-event-type="recognized"]').count()) === 0, { timeoutMs: 5000, what: 'the identity filter' });
    await page.locator('#filter-identity').selectOption({ label: LIN });
    await page.locator('#filter-camera').selectOption('stage');
    assert.ok((await page.locator('#event-list li[data-event-type="recognized"]').count()) > 0);
    assert.equal(await page.locator('#event-list li[data-event-type="unknown"]').count(), 0);
    await page.locator('#filter-identity').selectOption('');
    await page.locator('#filter-camera').selectOption('');

    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });
    assert.deepEqual(pageErrors.filter((e) => !isExpected404(e)), []);
  });

  it('shows the live picture of a streaming camera', async () => {
    const img = page.locator('article.tile[data-camera="stage"] .picture img');
    await waitFor(() => img.evaluate((el) => { const i = el as unknown as LoadedImage; return !i.hidden && i.complete && i.naturalWidth > 0; }), { timeoutMs: 15_000, what: 'the live picture' });
    // It is live: the picture is replaced about once a second.
    const first = await img.getAttribute('src');
    await waitFor(async () => (await img.getAttribute('src')) !== first, { timeoutMs: 10_000, what: 'a newer picture' });
  });

  it('shows the connection state and resumes after the gateway restarts', async () => {
    const lins = page.locator('#event-list li[data-event-type="recognized"]', { hasText: LIN });
    const before = await lins.count();
    signalGroup(gateway.process, 'SIGTERM');
    assert.equal(await exited(gateway.process, 20_000), 0, 'the gateway stopped cleanly');
    // Closed with 1001: the page says it is reconnecting, and keeps what it has.
    await page.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    assert.equal(await lins.count(), before);
    gateway = await startGateway(group, config, { VIGIL_TOKENS: tokens, VIGIL_PORT: String(port), VIGIL_DATA_DIR: dataDir });
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    // It resumed with since/run of the old run: the gateway says it restarted, and the page shows it.
    await page.locator('#feed-notice', { hasText: 'The gateway restarted' }).waitFor({ timeout: 10_000 });
    await page.locator('article.tile[data-camera="stage"][data-state="streaming"]').waitFor({ timeout: 30_000 });
    await waitFor(async () => (await lins.count()) > before, { timeoutMs: 60_000, what: 'a recognition from the restarted gateway' });
    assert.equal(await page.locator('#token-dialog').isVisible(), false, 'the token was kept for the tab');
    assert.deepEqual(pageErrors.filter((e) => !isExpected404(e) && !isOfflineError(e)), []);
  });

  it('adds, disables and removes a camera through the form, with API errors in place', async () => {
    const form = page.locator('#camera-form');
    await page.locator('details.add-camera summary').click();
    // An id the API refuses (camera ids are letters, digits, _ . -): its error appears in the form.
    await form.locator('input[name="id"]').fill('bad id!');
    await form.locator('input[name="url"]').fill('rtsp://127.0.0.1/x');
    await form.locator('button[type="submit"]').click();
    await page.locator('#camera-form-error').waitFor({ state: 'visible' });
    assert.match((await page.locator('#camera-form-error').textContent()) ?? '', /^4\d\d \S+: ./);
    assert.equal(await page.locator('article.tile[data-camera="bad id!"]').count(), 0);

    const closedPort = await freePort();
    await form.locator('input[name="id"]').fill('lobby');
    await form.locator('input[name="name"]').fill('Lobby');
    await form.locator('input[name="url"]').fill(`rtsp://127.0.0.1:${closedPort}/lobby`);
    await form.locator('input[name="username"]').fill('guard');
    await form.locator('input[name="password"]').fill('sekret-lobby-pass');
    await form.locator('button[type="submit"]').click();
    const tile = page.locator('article.tile[data-camera="lobby"]');
    await tile.waitFor({ timeout: 10_000 });
    assert.equal(await tile.locator('h3').textContent(), 'Lobby');
    assert.ok(!((await tile.locator('.url').textContent()) ?? '').includes('sekret'), 'password redacted');
    assert.equal(await page.locator('#camera-form-error').isVisible(), false);
    // Nothing listens there: the tile says why it is not streaming.
    await tile.locator('.reason').waitFor({ state: 'visible', timeout: 20_000 });
    await page.screenshot({ path: artifactPath('dashboard-cameras.png'), fullPage: true });

    await tile.locator('button.toggle').click();
    await tile.locator('button.toggle', { hasText: 'Enable' }).waitFor({ timeout: 10_000 });
    await tile.locator('button.remove').click();
    await tile.locator('button.remove', { hasText: 'Confirm remove' }).click();
    await tile.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await page.locator('article.tile[data-camera="stage"]').count(), 1, 'the other camera stays');
  });

  it('enrols an unknown face as a new identity', async () => {
    const unknown = page.locator('#event-list li[data-event-type="unknown"]').first();
    await unknown.waitFor({ timeout: 60_000 });
    await unknown.locator('button.enrol').click();
    await page.locator('#enrol').waitFor({ state: 'visible' });
    await page.locator('#enrol-form input[name="name"]').fill('Stage guest');
    await page.locator('#enrol-form button[type="submit"]').click();
    await page.locator('#enrol-done', { hasText: 'Enrolled as Stage guest' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: artifactPath('dashboard-enrol.png') });
    await page.locator('#enrol-cancel').click();
    const identities = (await (await fetch(`${gateway.baseUrl}/v1/identities`, { headers: { authorization: `Bearer ${token}` } })).json()) as { name: string }[];
    assert.ok(identities.some((i) => i.name === 'Stage guest'), JSON.stringify(identities));
  });

  it("offers a viewer only what a viewer may do: watching, no camera or gallery changes", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const viewer = await context.newPage();
      const errors = collectPageErrors(viewer);
      await viewer.goto(`${gateway.baseUrl}/`);
      await viewer.locator('#token-input').fill(viewerToken);
      await viewer.locator('#token-form button[type="submit"]').click();
      await viewer.locator('#role', { hasText: 'Signed in as viewer' }).waitFor({ timeout: 10_000 });
      errors.length = 0;
      const tile = viewer.locator('article.tile[data-camera="stage"]');
      await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 30_000 });
      await viewer.locator('#event-list li[data-event-type="unknown"]').first().waitFor({ timeout: 60_000 });
      assert.equal(await viewer.locator('details.add-camera').isVisible(), false, 'no add-camera form');
      assert.equal(await tile.locator('button.toggle').isVisible(), false, 'no enable/disable');
      assert.equal(await tile.locator('button.remove').isVisible(), false, 'no remove');
      assert.equal(await viewer.locator('#event-list button.enrol').first().isVisible(), false, 'no enrol');
      await viewer.screenshot({ path: artifactPath('dashboard-viewer.png'), fullPage: true });
      assert.equal(await viewer.locator('#feed-notice').isVisible(), false, 'no stale error from before the token');
      assert.deepEqual(errors.filter((e) => !isExpected404(e)), []);
    } finally {
      await context.close();
    }
  });
});

/** Chromium logs every 404 the page fetches; a camera's live picture is a 404 until its first frame is decoded. */
function isExpected404(error: string): boolean {
  return /status of 404/.test(error);
}

/** While the gateway is down, the page's requests fail; that is what the restart test causes. */
function isOfflineError(error: string): boolean {
  return /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|Failed to fetch/.test(error);
}
