/**
 * What one live viewer gets of each segment, by what its socket still holds. A viewer that reads
 * too slowly is never queued for in the gateway's memory and never slows the others: past its
 * buffer limit its segments are left out, until a key frame finds its socket at most half full;
 * then it resumes there and is told how much it missed. Pure.
 */
export type ViewerPhase =
  /** Waiting for the init segment (joined before the stream started, or the stream restarted). */
  | 'init'
  /** Has the init segment, waiting for a key frame to start from. */
  | 'key'
  | 'live'
  /** Left behind: dropping until a key frame and room. */
  | 'skipping';

export interface ViewerState {
  readonly phase: ViewerPhase;
  /** Segments and bytes left out since the viewer fell behind. */
  readonly skipped: number;
  readonly skippedBytes: number;
}

export const NEW_VIEWER: ViewerState = { phase: 'init', skipped: 0, skippedBytes: 0 };

export interface SegmentInfo {
  readonly init: boolean;
  readonly key: boolean;
  readonly bytes: number;
}

export interface ViewerDecision {
  readonly state: ViewerState;
  readonly send: boolean;
  /** Resuming after a gap: tell the viewer first (segments and bytes it missed). */
  readonly resumed?: { readonly segments: number; readonly bytes: number };
  /** This segment was dropped because the viewer is behind (counted as a drop). */
  readonly dropped: boolean;
}

/** The decision for one segment; `buffered`: bytes the viewer's socket holds unsent. */
export function decideSegment(state: ViewerState, segment: SegmentInfo, buffered: number, limitBytes: number): ViewerDecision {
  if (segment.init) return { state: { phase: 'key', skipped: 0, skippedBytes: 0 }, send: true, dropped: false };
  switch (state.phase) {
    case 'init':
      return { state, send: false, dropped: false };
    case 'key':
      return segment.key ? { state: { ...state, phase: 'live' }, send: true, dropped: false } : { state, send: false, dropped: false };
    case 'live':
      if (buffered <= limitBytes) return { state, send: true, dropped: false };
      return { state: { phase: 'skipping', skipped: 1, skippedBytes: segment.bytes }, send: false, dropped: true };
    case 'skipping':
      if (segment.key && buffered <= limitBytes / 2) {
        return { state: { phase: 'live', skipped: 0, skippedBytes: 0 }, send: true, resumed: { segments: state.skipped, bytes: state.skippedBytes }, dropped: false };
      }
      return { state: { phase: 'skipping', skipped: state.skipped + 1, skippedBytes: state.skippedBytes + segment.bytes }, send: false, dropped: true };
  }
}

export interface ViewerLimits {
  readonly maxViewersPerCamera: number;
  readonly maxViewers: number;
}

/** Whether one more viewer may watch a camera; the refusal says which limit. Pure. */
export function admitViewer(cameraViewers: number, totalViewers: number, limits: ViewerLimits): { ok: true } | { ok: false; reason: 'camera_limit' | 'total_limit'; message: string } {
  if (cameraViewers >= limits.maxViewersPerCamera) {
    return { ok: false, reason: 'camera_limit', message: `this camera already has ${cameraViewers} live viewer(s), the most allowed (live.maxViewersPerCamera)` };
  }
  if (totalViewers >= limits.maxViewers) {
    return { ok: false, reason: 'total_limit', message: `the gateway already serves ${totalViewers} live viewer(s), the most allowed (live.maxViewers)` };
  }
  return { ok: true };
}
