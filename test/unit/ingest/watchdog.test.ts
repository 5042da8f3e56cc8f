import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkWatchdog, freshWindow, type WatchdogWindow } from '../../../src/ingest';

const limits = { stallTimeoutMs: 10_000, expectedFps: 5, maxFpsFactor: 3, windowMs: 5000 };

describe('checkWatchdog', () => {
  const table: Array<{ name: string; window: WatchdogWindow; now: number; expect: string; fps?: number }> = [
    { name: 'a decoder just started is fine', window: freshWindow(1000), now: 1250, expect: 'ok' },
    { name: 'no frame since the start for the timeout is a stall', window: freshWindow(1000), now: 11_000, expect: 'stalled' },
    { name: 'just under the timeout is not yet a stall', window: freshWindow(1000), now: 10_999, expect: 'ok' },
    { name: 'frames at the configured rate are fine', window: { lastFrameAt: 5900, windowStart: 1000, frames: 25 }, now: 6000, expect: 'ok' },
    { name: 'a burst inside a window is not judged', window: { lastFrameAt: 1900, windowStart: 1000, frames: 200 }, now: 2000, expect: 'ok' },
    { name: 'far above the rate over a whole window restarts', window: { lastFrameAt: 5900, windowStart: 1000, frames: 200 }, now: 6000, expect: 'too_fast', fps: 40 },
    { name: 'three times the rate plus one is still allowed', window: { lastFrameAt: 5900, windowStart: 1000, frames: 80 }, now: 6000, expect: 'ok' },
    { name: 'silence after frames is a stall', window: { lastFrameAt: 20_000, windowStart: 28_000, frames: 0 }, now: 30_000, expect: 'stalled' },
  ];
  for (const row of table) {
    it(row.name, () => {
      const { verdict } = checkWatchdog(limits, row.window, row.now);
      assert.equal(verdict.kind, row.expect);
      if (row.fps !== undefined && verdict.kind === 'too_fast') assert.equal(verdict.fps, row.fps);
    });
  }
  it('starts a new rate window after a whole one, keeping the last frame time', () => {
    const { window } = checkWatchdog(limits, { lastFrameAt: 5900, windowStart: 1000, frames: 25 }, 6000);
    assert.deepEqual(window, { lastFrameAt: 5900, windowStart: 6000, frames: 0 });
  });
});
