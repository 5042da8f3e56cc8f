export interface WatchdogLimits {
  /** No frame for this long (from the last frame, or from the decoder's start) means stalled. */
  readonly stallTimeoutMs: number;
  /** The configured analysis rate. */
  readonly expectedFps: number;
  /** A measured rate above expectedFps * factor (+1) is a fault: broken timestamps, a runaway source. */
  readonly maxFpsFactor: number;
  /** Frames are counted over windows this long. */
  readonly windowMs: number;
}

/** What the watchdog remembers between checks; the shell bumps `frames` and `lastFrameAt` per frame. */
export interface WatchdogWindow {
  readonly lastFrameAt: number;
  readonly windowStart: number;
  readonly frames: number;
}

export type WatchdogVerdict = { readonly kind: 'ok' } | { readonly kind: 'stalled'; readonly silentMs: number } | { readonly kind: 'too_fast'; readonly fps: number };

/** A fresh window for a decoder (re)started at `now`: the stall clock starts at the spawn. */
export function freshWindow(now: number): WatchdogWindow {
  return { lastFrameAt: now, windowStart: now, frames: 0 };
}

/**
 * One watchdog check at `now`. Pure: returns the verdict and the window to keep. The rate is
 * judged only over a whole window so one burst (a key frame after a gap) is not a fault.
 */
export function checkWatchdog(limits: WatchdogLimits, window: WatchdogWindow, now: number): { verdict: WatchdogVerdict; window: WatchdogWindow } {
  const silentMs = now - window.lastFrameAt;
  if (silentMs >= limits.stallTimeoutMs) return { verdict: { kind: 'stalled', silentMs }, window };
  const elapsed = now - window.windowStart;
  if (elapsed < limits.windowMs) return { verdict: { kind: 'ok' }, window };
  const fps = (window.frames * 1000) / elapsed;
  const next = { lastFrameAt: window.lastFrameAt, windowStart: now, frames: 0 };
  if (fps > limits.expectedFps * limits.maxFpsFactor + 1) return { verdict: { kind: 'too_fast', fps }, window: next };
  return { verdict: { kind: 'ok' }, window: next };
}
