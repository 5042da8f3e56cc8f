import type { EventDraft } from '../events';

/** Cameras that moved to this gateway, and when: recognition answers soon after are marked. */
export class HandoverMarks {
  readonly #moved = new Map<string, { from: string; at: number }>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  took(camera: string, from: string, at = Date.now()): void {
    this.#moved.set(camera, { from, at });
  }

  /**
   * The draft, with `data.handover: {from}` when it answers for a face on a camera that moved here
   * within the window: the person may already have been reported by the gateway that ran the camera
   * before (its tracks ended with it). Pure apart from the map.
   */
  mark<T>(draft: EventDraft<T>, now = Date.now()): EventDraft<T> {
    if (draft.type !== 'vigil.face.recognized' && draft.type !== 'vigil.face.unknown') return draft;
    const moved = this.#moved.get(draft.subject);
    if (!moved) return draft;
    if (now - moved.at > this.#windowMs) {
      this.#moved.delete(draft.subject);
      return draft;
    }
    return { ...draft, data: { ...draft.data, handover: { from: moved.from } } };
  }
}
