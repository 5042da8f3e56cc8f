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
import { ARTIFACTS_DIR, artifactPath, collectPageErrors, launchChromium } from '../helpers/browser';

const run = promisify(execFile);
const LIN = 'Lin-Manuel Miranda';

interface LoadedImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly src: string;
}

/** Chromium logs every 404 the page fetches (a live picture before the first frame), and the restart's refused connections. */
const expectedNoise = (error: string): boolean => /status of 404|ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|Failed to fetch/.test(error);

/**
 * The dashboard's history, search and people views in a real Chromium against a real gateway (the
 * Hamilton clip as a looping camera, Lin-Manuel Miranda enrolled with the CLI, tokens on): stored
 * events after a gateway restart, face search from a fixture photo, people's crops with a photo
 * added and removed; at phone width and on a wall screen, with the keyboard. Screenshots go to
 * test-artifacts/.
 */
describe('dashboard views: history, search, people (Chromium)', () => {
  const group = new ProcessGroup();
  const token = randomBytes(24).toString('base64url');
  const config = {
    gateway: { allowLocalFiles: true, restartDelayMs: 200, restartDelayMaxMs: 1000 },
    recognition: { galleryPollMs: 200 },
    cameras: [{ id: 'stage', name: 'Stage', url: `file:${CLIP}`, loop: true, fps: 5 }],
  };
  let gateway: Gateway;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let port: number;
  const env = (): Record<string, string> => ({ VIGIL_TOKENS: `operator:${token}`, VIGIL_PORT: String(port), VIGIL_DATA_DIR: gateway.dataDir });
  const item = (root: string, kind: string) => page.locator(`${root} li.event[data-event-type="${kind}"]`);
  const loaded = (selector: string) =>
    waitFor(() => page.locator(selector).first().evaluate((img) => { const i = img as unknown as LoadedImage; return i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'); }).catch(() => false), { timeoutMs: 15_000, what: `a picture in ${selector}` });

  before(async () => {
    port = await freePort();
    gateway = await startGateway(group, config, { VIGIL_TOKENS: `operator:${token}`, VIGIL_PORT: String(port) });
    await run(process.execPath, [VIGIL_BIN, 'enroll', '--name', LIN, join(FACES, 'lin_manuel_miranda', 'lin1.png')], { env: { ...process.env, VIGIL_DATA_DIR: gateway.dataDir, VIGIL_CONFIG: '' } });
    await waitFor(() => gateway.logs.some((l) => l.msg === 'gallery reloaded' && l.identities === 1), { timeoutMs: 15_000, what: 'the gateway reloading the gallery' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrors = collectPageErrors(page);
    process.stdout.write(`# screenshots in ${ARTIFACTS_DIR}\n`);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await group.killAll();
  });

  it('reaches every view from the nav with the keyboard', async () => {
    await page.goto(`${gateway.baseUrl}/`);
    await page.locator('#token-input').fill(token);
    await page.locator('#token-form button[type="submit"]').click();
    await page.locator('#role', { hasText: 'Signed in as operator' }).waitFor({ timeout: 10_000 });
    pageErrors.length = 0;
    assert.deepEqual(await page.locator('#views-nav a').allTextContents(), ['Live', 'History', 'Search', 'People']);
    assert.equal(await page.locator('#views-nav a[aria-current="page"]').textContent(), 'Live');
    // Lin recognised in the live feed first: the history then has something to show.
    await item('#event-list', 'recognized').filter({ hasText: LIN }).first().waitFor({ timeout: 90_000 });

    await page.locator('#views-nav a', { hasText: 'History' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/history$/);
    await page.locator('section[data-view="history"] h2').waitFor();
    assert.equal(await page.locator('section[data-view="live"]').isVisible(), false, 'one view at a time');
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.textContent'), 'History', 'the view\'s heading takes the focus');
    // Back up the tab order from the heading: the nav's History link is reached, marked as the current page.
    const href = async (): Promise<unknown> => page.evaluate('document.activeElement && document.activeElement.getAttribute("href")');
    for (let presses = 0; presses < 8 && (await href()) !== '#/history'; presses++) await page.keyboard.press('Shift+Tab');
    assert.equal(await href(), '#/history');
    assert.equal(await page.evaluate('document.activeElement.getAttribute("aria-current")'), 'page');
  });

  it('shows stored events with a timeline per camera, filters them, and keeps them across a gateway restart', async () => {
    const lin = item('section[data-view="history"]', 'recognized').filter({ hasText: LIN });
    // The list is read when the view opens; "Show" reads it again (the events just seen in the feed are written within a second).
    await waitFor(async () => {
      if ((await lin.count()) > 0) return true;
      await page.locator('.history-filters button[type="submit"]').click();
      return false;
    }, { timeoutMs: 30_000, intervalMs: 1000, what: 'Lin in the stored history' });
    await loaded('section[data-view="history"] li.event .thumb img');
    const row = page.locator('.timeline-row[data-camera="stage"]');
    await row.waitFor();
    assert.ok(Number(await row.locator('.bar[data-count]:not([data-count="0"])').count()) > 0, 'the stage camera has faces on its timeline');
    await page.screenshot({ path: artifactPath('views-history.png'), fullPage: true });

    // Unknown faces only: no recognised item is left.
    await page.locator('.history-filters input[name="unknown"]').check();
    await page.locator('.history-filters button[type="submit"]').click();
    await page.waitForURL(/unknown=1/);
    await waitFor(async () => (await item('section[data-view="history"]', 'recognized').count()) === 0 && (await item('section[data-view="history"]', 'unknown').count()) > 0, { timeoutMs: 15_000, what: 'only unknown faces listed' });
    await page.locator('.history-filters button.clear').click();
    await lin.first().waitFor({ timeout: 10_000 });
    const before = await page.locator('section[data-view="history"] li.event').evaluateAll((items) => items.map((i) => (i as unknown as { dataset: { eventId: string } }).dataset.eventId));

    signalGroup(gateway.process, 'SIGTERM');
    assert.equal(await exited(gateway.process, 20_000), 0);
    gateway = await startGateway(group, config, env());
    await page.reload();
    await page.locator('section[data-view="history"] h2').waitFor();
    await lin.first().waitFor({ timeout: 30_000 });
    const after = await page.locator('section[data-view="history"] li.event').evaluateAll((items) => items.map((i) => (i as unknown as { dataset: { eventId: string } }).dataset.eventId));
    const kept = before.filter((id) => after.includes(id));
    assert.ok(kept.length > 0 && kept.length >= Math.min(before.length, 10), `events from before the restart are still listed (${kept.length} of ${before.length})`);
    assert.deepEqual(pageErrors.filter((e) => !expectedNoise(e)), []);
  });

  it('finds Lin-Manuel Miranda\'s appearances from a fixture photo, and from a face in the feed', async () => {
    await page.locator('#views-nav a', { hasText: 'Search' }).click();
    await page.locator('section[data-view="search"] .dropzone').waitFor();
    await page.locator('#search-file').setInputFiles(join(FACES, 'lin_manuel_miranda', 'lin1.png'));
    const results = page.locator('.search-results li.event');
    await results.first().waitFor({ timeout: 30_000 });
    assert.match((await page.locator('section[data-view="search"] [role="status"]').textContent()) ?? '', /^\d+ appearances? among \d+ stored/);
    // Lin's appearances, named or not: a track the recognizer left unknown (too few good views) is still his face.
    const names = await results.locator('.identity').allTextContents();
    assert.equal(names[0], LIN, JSON.stringify(names));
    assert.ok(names.every((n) => n === LIN || n === 'Unknown face'), JSON.stringify(names));
    const scores = (await results.locator('.similarity').allTextContents()).map((t) => Number(t.replace('similarity ', '')));
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best match first');
    await loaded('.search-results li.event .thumb img');
    await page.screenshot({ path: artifactPath('views-search.png'), fullPage: true });

    // "Find this face" on an unknown face in the live feed.
    await page.locator('#views-nav a', { hasText: 'Live' }).click();
    const unknown = item('#event-list', 'unknown').first();
    await unknown.waitFor({ timeout: 60_000 });
    const id = await unknown.getAttribute('data-event-id');
    await unknown.locator('button.find').click();
    await page.waitForURL(new RegExp(`#/search\\?event=${id}`));
    await waitFor(async () => /^\d+ appearances? among/.test((await page.locator('section[data-view="search"] [role="status"]').textContent()) ?? ''), { timeoutMs: 30_000, what: 'the search from the feed' });
    assert.equal(await page.locator('.search-results li.event[data-event-id="' + id + '"]').count(), 0, 'the face searched with is not among its own results');
    await waitFor(async () => (await page.locator('.search-query img').getAttribute('src'))?.startsWith('blob:') ?? false, { timeoutMs: 10_000, what: 'the searched face shown' });
  });

  it('shows people with their enrolment crops and last sighting; adds, removes a photo, renames and deletes', async () => {
    await page.locator('#views-nav a', { hasText: 'People' }).click();
    const lin = page.locator('.people li', { hasText: LIN });
    await lin.waitFor({ timeout: 10_000 });
    assert.match((await lin.locator('.meta').textContent()) ?? '', /1 face, 0 not-this-person · last seen .* at Stage/);
    await lin.locator('a').click();
    await page.locator('.person h3', { hasText: LIN }).waitFor();
    await loaded('.person .faces img');
    assert.match((await page.locator('.person .last-seen').textContent()) ?? '', /Last seen at Stage/);

    // A person enrolled from a track (as "Enrol as…" does) has the crop of the track's best view: a later model can re-embed it.
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const stored = (await (await fetch(`${gateway.baseUrl}/v1/events?unknown=true&limit=1`, { headers })).json()) as { events: { data: { trackId: string } }[] };
    const trackId = stored.events[0]?.data.trackId;
    assert.ok(trackId, 'an unknown face is stored');
    const guest = (await (await fetch(`${gateway.baseUrl}/v1/identities`, { method: 'POST', headers, body: JSON.stringify({ name: 'Stage guest', fromTrack: trackId }) })).json()) as { id: string };
    const guestFaces = (await (await fetch(`${gateway.baseUrl}/v1/identities/${guest.id}/faces`, { headers })).json()) as { source: string; crop: string | null; model: string | null }[];
    assert.equal(guestFaces[0]?.source, `track:${trackId}`);
    assert.ok(guestFaces[0]?.crop && guestFaces[0].model, JSON.stringify(guestFaces));
    await page.goto(`${gateway.baseUrl}/#/people?id=${guest.id}`);
    await page.locator('.person h3', { hasText: 'Stage guest' }).waitFor({ timeout: 10_000 });
    await loaded('.person .faces img');

    // A new person from a photo, then one more photo, then that photo removed.
    await page.locator('.add-person input[name="name"]').fill('Barack Obama');
    await page.locator('.add-person input[name="photo"]').setInputFiles(join(FACES, 'obama', 'obama1.jpg'));
    await page.locator('.add-person button[type="submit"]').click();
    await page.locator('.person h3', { hasText: 'Barack Obama' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.person .faces li').count(), 1);
    await page.locator('.person .add-photo-input').setInputFiles(join(FACES, 'obama', 'obama2.jpg'));
    await waitFor(async () => (await page.locator('.person .faces li').count()) === 2, { timeoutMs: 20_000, what: 'the photo added' });
    await waitFor(async () => (await page.locator('.person .faces img').evaluateAll((imgs) => imgs.filter((i) => (i as unknown as LoadedImage).naturalWidth === 112).length)) === 2, { timeoutMs: 15_000, what: 'both 112x112 crops shown' });
    await page.screenshot({ path: artifactPath('views-people.png'), fullPage: true });
    await page.locator('.person .faces li').nth(1).locator('button.remove').click();
    await waitFor(async () => (await page.locator('.person .faces li').count()) === 1, { timeoutMs: 15_000, what: 'the photo removed' });

    await page.locator('.person .rename input').fill('Barack H. Obama');
    await page.locator('.person .rename button').click();
    await page.locator('.person h3', { hasText: 'Barack H. Obama' }).waitFor({ timeout: 10_000 });
    await page.locator('.person button.delete-person').click();
    await page.locator('.person button.delete-person', { hasText: 'Confirm' }).click();
    await page.waitForURL(/#\/people$/);
    await waitFor(async () => (await page.locator('.people li', { hasText: 'Obama' }).count()) === 0, { timeoutMs: 10_000, what: 'the person gone' });
    assert.deepEqual(pageErrors.filter((e) => !expectedNoise(e)), []);
  });

  it('fits a phone and a wall screen', async () => {
    for (const [name, viewport] of [['phone', { width: 390, height: 844 }], ['wall', { width: 2560, height: 1440 }]] as const) {
      await page.setViewportSize(viewport);
      for (const view of ['history', 'search', 'people', 'live']) {
        await page.goto(`${gateway.baseUrl}/#/${view}`);
        await page.locator(`section[data-view="${view}"]`).waitFor();
        if (view === 'history') await page.locator('.timeline-row').first().waitFor({ timeout: 15_000 });
        // Nothing wider than the screen: no sideways scrolling.
        const width = await page.evaluate('document.documentElement.scrollWidth');
        assert.ok(Number(width) <= viewport.width, `${view} on a ${name}: ${width} px wide`);
        await page.screenshot({ path: artifactPath(`views-${view}-${name}.png`), fullPage: true });
      }
    }
  });
});
