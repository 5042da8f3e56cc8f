import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../src/config';
import { DecoderOutputParser, PROTOCOL_WHITELIST, type DecoderSetup } from '../src/ingest';
import { launchChromium } from '../test/helpers/browser';
import { onCleanup, signal } from './cleanup';
import { readClock } from './live-clock';

export interface Latency {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export function summarise(values: readonly number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), minMs: sorted[0] ?? Number.NaN, maxMs: sorted[sorted.length - 1] ?? Number.NaN };
}

const BARE_W = 640;
const BARE_H = 360;

/**
 * The bare limit: the project's own decoder process (a second RTSP client of the clock camera,
 * the bench's, not the gateway's) decoding every frame; for each, the time it came out of the
 * decoder minus the time burned into it. Camera (encoder, RTSP server) + network + demux + decode.
 */
export class BareDecoder {
  readonly latencies: number[] = [];
  unreadable = 0;
  /** FFmpeg's complaints about damaged pictures (the RTSP server drops packets for a reader that falls behind). */
  decodeErrors = 0;
  #recording = false;
  readonly #kill: () => void;
  readonly #forget: () => void;

  constructor(url: string, sourceWidth: number) {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'src', 'ingest', 'native', 'decoder-child.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.decodeErrors += (chunk.toString().match(/concealing|error/gi) ?? []).length));
    this.#kill = () => signal(child.pid, 'SIGKILL');
    this.#forget = onCleanup(this.#kill);
    const setup: DecoderSetup = {
      url, kind: 'rtsp', width: BARE_W, height: BARE_H, rtspTransport: 'tcp', loop: false, protocolWhitelist: PROTOCOL_WHITELIST.rtsp, socketTimeoutUs: 10_000_000,
      work: { decode: 'all', fps: 30, wakeOnMotion: false }, motion: { ratio: 3, minBytes: 2000, warmupPackets: 15 }, maxCatchUpPackets: 600, maxCatchUpBytes: 16 * 1024 * 1024, skipLoopFilter: true, skipNonReference: false, hwaccel: 'none',
    };
    const parser = new DecoderOutputParser(BARE_W * BARE_H * 3, {
      acquire: () => new ArrayBuffer(BARE_W * BARE_H * 3),
      frame: (buffer, capturedAt) => {
        if (!this.#recording) return;
        const rgb = new Uint8Array(buffer);
        const time = readClock((x, y) => rgb[(y * BARE_W + x) * 3] ?? 0, BARE_W, sourceWidth);
        if (time === null) this.unreadable += 1;
        else this.latencies.push(capturedAt - time);
      },
      event: () => undefined,
      corrupt: (reason) => process.stderr.write(`bare decoder output not understood: ${reason}\n`),
    });
    child.stdout?.on('data', (chunk: Buffer) => parser.push(chunk));
    child.stdin?.write(`${JSON.stringify(setup)}\n`);
  }

  record(on: boolean): void {
    this.#recording = on;
  }

  stop(): void {
    this.#kill();
    this.#forget();
  }
}

/** Installed in the page: reads the clock off every picture the video presents (requestVideoFrameCallback). */
function installClockReader(read: typeof readClock, sourceWidth: number): void {
  const g = globalThis as unknown as { document: { querySelector(s: string): unknown; createElement(t: string): unknown }; performance: { timeOrigin: number }; __clock: { shown: number[]; unreadable: number; frames: number } };
  const video = g.document.querySelector('.live-video video') as { videoWidth: number; requestVideoFrameCallback(cb: (now: number, meta: { expectedDisplayTime: number }) => void): void };
  const width = 640;
  const scale = width / video.videoWidth;
  // The clock row (live-clock.ts's layout): blocks of this side, one block down from the top.
  const block = Math.min(32, Math.floor((sourceWidth - 32) / 49));
  const stripSource = block * 2 + 4;
  const stripHeight = Math.ceil(stripSource * scale);
  const canvas = g.document.createElement('canvas') as { width: number; height: number; getContext(k: string, o: object): { drawImage(...a: unknown[]): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
  canvas.width = width;
  canvas.height = stripHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  g.__clock = { shown: [], unreadable: 0, frames: 0 };
  const onFrame = (_now: number, meta: { expectedDisplayTime: number }): void => {
    ctx.drawImage(video, 0, 0, video.videoWidth, stripSource, 0, 0, width, stripHeight);
    const data = ctx.getImageData(0, 0, width, stripHeight).data;
    const time = read((x, y) => data[(y * width + x) * 4] ?? 0, width, sourceWidth);
    g.__clock.frames += 1;
    if (time === null) g.__clock.unreadable += 1;
    else g.__clock.shown.push(g.performance.timeOrigin + meta.expectedDisplayTime - time);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

export interface GlassResult {
  readonly glass: Latency;
  readonly unreadable: number;
  readonly framesPresented: number;
  readonly droppedByBrowser: number;
  /** The player's own figure: now minus the wall time its packet was read off the camera, per shown frame (ms). */
  readonly readToShownMs: Latency;
}

/**
 * Glass to glass through the real page: the dashboard in headless Chromium, the camera tile's
 * Live button, the live player (MSE); the clock read off each presented picture and compared with
 * the wall clock at its expected display time. Headless Chromium has no screen: "glass" is the
 * compositor's presentation time.
 */
export async function measureGlass(baseUrl: string, camera: string, sourceWidth: number, seconds: number, bare: BareDecoder): Promise<GlassResult> {
  const browser = await launchChromium();
  try {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/`);
    const tile = page.locator(`article.tile[data-camera="${camera}"]`);
    await tile.locator('.badge', { hasText: 'streaming' }).waitFor({ timeout: 60_000 });
    await tile.locator('button.live-toggle').click();
    await tile.locator('.live-video[data-state="playing"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    await page.evaluate(`(${installClockReader.toString()})(${readClock.toString()}, ${sourceWidth})`);
    const quality = (): Promise<{ total: number; dropped: number }> => page.evaluate(() => {
      const q = ((globalThis as unknown as { document: { querySelector(s: string): { getVideoPlaybackQuality(): { totalVideoFrames: number; droppedVideoFrames: number } } } }).document.querySelector('.live-video video')).getVideoPlaybackQuality();
      return { total: q.totalVideoFrames, dropped: q.droppedVideoFrames };
    });
    const before = await quality();
    bare.record(true);
    const delays: number[] = [];
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await page.waitForTimeout(250);
      const delay = Number(await tile.locator('.live-video').getAttribute('data-delay-ms'));
      if (Number.isFinite(delay)) delays.push(delay);
    }
    bare.record(false);
    const after = await quality();
    const clock = (await page.evaluate('globalThis.__clock')) as { shown: number[]; unreadable: number; frames: number };
    return { glass: summarise(clock.shown), unreadable: clock.unreadable, framesPresented: after.total - before.total, droppedByBrowser: after.dropped - before.dropped, readToShownMs: summarise(delays) };
  } finally {
    await browser.close();
  }
}
