import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { CLIP } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { freePort } from '../helpers/ports';
import { startGateway, type Gateway } from '../helpers/gateway';
import { liveClips } from '../helpers/live-clips';
import { waitFor } from '../helpers/wait';
import { artifactPath, collectPageErrors, launchChromium } from '../helpers/browser';

/** What the test reads of the live player in the page (this project compiles without the DOM lib). */
interface PlayerState {
  readonly state: string | null;
  readonly frames: number;
  readonly currentTime: number;
  readonly faces: number;
  readonly note: string;
}

const readPlayer = (page: Page, camera: string): Promise<PlayerState | null> =>
  page.evaluate((id) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
    const root = doc.querySelector(`article.tile[data-camera="${id}"] .live-video`) as { dataset: Record<string, string>; querySelector(s: string): unknown } | null;
    if (!root) return null;
    const video = root.querySelector('video') as { currentTime: number; getVideoPlaybackQuality(): { totalVideoFrames: number } };
    const canvas = root.querySelector('canvas') as { dataset: Record<string, string> };
    const note = root.querySelector('.live-note') as { textContent: string };
    return { state: root.dataset.state ?? null, frames: video.getVideoPlaybackQuality().totalVideoFrames, currentTime: video.currentTime, faces: Number(canvas.dataset.faces), note: note.textContent };
  }, camera);

/**
 * Live video and camera health in a real Chromium (Debian's, with H.264 in Media Source
 * Extensions) against the real gateway: the stage clip (faces) as a looping camera, an H.265
 * camera, and a camera that cannot connect (in trouble on the health charts).
 */
describe('live video and camera health in a browser', () => {
  const group = new ProcessGroup();
  const token = randomBytes(24).toString('base64url');
  let gateway: Gateway;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const socketUrls: string[] = [];

  async function signIn(p: Page): Promise<void> {
    await p.goto(`${gateway.baseUrl}/`);
    await p.locator('#token-input').fill(token);
    await p.locator('#token-form button[type="submit"]').click();
    await p.locator('#role', { hasText: 'Signed in as viewer' }).waitFor({ timeout: 15_000 });
  }

  before(async () => {
    const clips = await liveClips();
    const closed = await freePort();
    gateway = await startGateway(
      group,
      {
        gateway: { allowLocalFiles: true, restartDelayMs: 500, restartDelayMaxMs: 2000 },
        cameras: [
          { id: 'stage', name: 'Stage', url: `file:${CLIP}`, loop: true, fps: 5, recognition: false },
          { id: 'hevc', name: 'Lobby H.265', url: `file:${clips.hevc}`, loop: true, fps: 1, recognition: false },
          { id: 'door', name: 'Back door', url: `rtsp://127.0.0.1:${closed}/door`, fps: 2 },
        ],
      },
      { VIGIL_TOKENS: `viewer:${token}` },
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    pageErrors = collectPageErrors(page);
    page.on('websocket', (ws) => socketUrls.push(ws.url()));
    await signIn(page);
    pageErrors.length = 0;
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await group.killAll();
  });

  it('plays a camera live: frames advancing, face boxes drawn over the picture', async () => {
    const tile = page.locator('article.tile[data-camera="stage"]');
    await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 30_000 });
    const button = tile.locator('button.live-toggle');
    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    await tile.locator('.live-video[data-state="playing"]').waitFor({ timeout: 30_000 });
    const first = (await readPlayer(page, 'stage')) as PlayerState;
    const later = await waitFor(async () => {
      const now = (await readPlayer(page, 'stage')) as PlayerState;
      return now.currentTime > first.currentTime + 1 && now.frames > first.frames + 20 ? now : null;
    }, { timeoutMs: 20_000, what: 'the video playing on (time and decoded frames moving)' });
    assert.equal(later.state, 'playing');
    // The stage clip has faces in view most of the time; the analysis' boxes are drawn over the video.
    await waitFor(async () => ((await readPlayer(page, 'stage'))?.faces ?? 0) > 0, { timeoutMs: 30_000, what: 'face boxes over the live video' });
    await tile.screenshot({ path: artifactPath('live-video.png') });
    const live = socketUrls.filter((u) => u.includes('/live'));
    assert.deepEqual(live.map((u) => new URL(u).pathname), ['/v1/cameras/stage/live']);
    assert.ok(!live.some((u) => u.includes(token)), 'the token is never in the URL');
    await page.setViewportSize({ width: 2560, height: 1440 });
    await page.screenshot({ path: artifactPath('live-video-wall.png'), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  it('stops the live video and goes back to the snapshots', async () => {
    const tile = page.locator('article.tile[data-camera="stage"]');
    await tile.locator('button.live-toggle').click();
    await tile.locator('.live-video').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await tile.locator('button.live-toggle').getAttribute('aria-pressed'), 'false');
    await waitFor(async () => / 0$/.test((await (await fetch(`${gateway.baseUrl}/metrics`)).text()).split('\n').find((l) => l.startsWith('vigil_live_viewers{camera="stage"}')) ?? ''), { timeoutMs: 10_000, what: 'the gateway counting the viewer out' });
  });

  it('says so when the browser cannot play the camera\'s codec (H.265 in this Chromium)', async () => {
    const tile = page.locator('article.tile[data-camera="hevc"]');
    await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 30_000 });
    await tile.locator('button.live-toggle').click();
    const supported = await page.evaluate(() => (globalThis as unknown as { MediaSource: { isTypeSupported(t: string): boolean } }).MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L60.90"'));
    const player = tile.locator(`.live-video[data-state="${supported ? 'playing' : 'unsupported'}"]`);
    await player.waitFor({ timeout: 30_000 });
    if (!supported) assert.match((await readPlayer(page, 'hevc'))?.note ?? '', /cannot play H\.265\/HEVC \(hvc1\.[^)]+\) video/);
    await tile.screenshot({ path: artifactPath('live-video-hevc.png') });
    await tile.locator('button.live-toggle').click();
  });

  it('charts each camera\'s last hour, the camera in trouble first, with since when', async () => {
    const charts = page.locator('#health-charts');
    const door = charts.locator('article.health-card[data-camera="door"][data-trouble="true"]');
    await door.waitFor({ timeout: 30_000 });
    assert.match((await door.locator('.health-status').textContent()) ?? '', /^In trouble since \d\d:\d\d:\d\d: /);
    assert.equal(await charts.locator('article.health-card').first().getAttribute('data-camera'), 'door', 'trouble first');
    const stage = charts.locator('article.health-card[data-camera="stage"]');
    await waitFor(async () => ((await stage.locator('figure[data-series="Analysed fps"] path.line').getAttribute('d')) ?? '').length > 0, { timeoutMs: 30_000, what: 'the analysed fps chart drawn' });
    assert.equal(await stage.getAttribute('data-trouble'), 'false');
    assert.equal(await stage.locator('figure.health-chart svg').count(), 4);
    assert.ok(((await door.locator('figure[data-series="Reconnects"] path.bars').getAttribute('d')) ?? '').length > 0, 'reconnects drawn');
    await page.locator('#health').screenshot({ path: artifactPath('health-charts.png') });
    assert.deepEqual(pageErrors.filter((e) => !/status of 404/.test(e)), []);
  });

  it('works at phone width with the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const phone = await context.newPage();
      const errors = collectPageErrors(phone);
      await signIn(phone);
      errors.length = 0;
      const tile = phone.locator('article.tile[data-camera="stage"]');
      await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 30_000 });
      const button = tile.locator('button.live-toggle');
      // Tab through the page until the stage camera's Live button has the focus.
      await waitFor(async () => {
        await phone.keyboard.press('Tab');
        return button.evaluate((b) => (b as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === b);
      }, { timeoutMs: 20_000, intervalMs: 10, what: 'the Live button reached with Tab' });
      await phone.keyboard.press('Enter');
      await tile.locator('.live-video[data-state="playing"]').waitFor({ timeout: 30_000 });
      const box = await tile.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the tile fits the phone's width: ${JSON.stringify(box)}`);
      await phone.screenshot({ path: artifactPath('live-video-phone.png'), fullPage: true });
      await phone.keyboard.press('Enter');
      await tile.locator('.live-video').waitFor({ state: 'detached', timeout: 5000 });
      assert.deepEqual(errors.filter((e) => !/status of 404/.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
