/** Whether a camera is idle: no face and no motion for a while. */
export interface Activity {
  readonly idle: boolean;
  /** The last face or motion seen (ms). */
  readonly lastSeenAt: number;
}

export type ActivityEvent =
  /** An analysed frame and how many faces it had. */
  | { readonly kind: 'analysed'; readonly faces: number; readonly at: number }
  /** The decoder saw motion (compressed domain) and woke itself. */
  | { readonly kind: 'motion'; readonly at: number }
  /** Time passing (the controller's tick). */
  | { readonly kind: 'tick'; readonly at: number };

export interface IdleSettings {
  /** False: never idle (`idle: off`). */
  readonly enabled: boolean;
  readonly afterMs: number;
}

export function activeSince(at: number): Activity {
  return { idle: false, lastSeenAt: at };
}

/**
 * A camera becomes idle after `afterMs` without a face or motion, and active again at once on
 * either. A frame without faces changes nothing: an empty corridor stays idle, and a camera that
 * has just seen someone stays active for `afterMs` in case they come back. Pure.
 */
export function nextActivity(settings: IdleSettings, state: Activity, event: ActivityEvent): Activity {
  if (event.kind === 'motion' || (event.kind === 'analysed' && event.faces > 0)) return { idle: false, lastSeenAt: event.at };
  if (event.kind === 'tick' && !state.idle && settings.enabled && event.at - state.lastSeenAt >= settings.afterMs) return { idle: true, lastSeenAt: state.lastSeenAt };
  return state;
}
