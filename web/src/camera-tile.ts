import { api, describeError } from './api.js';
import { h, showError } from './dom.js';
import { rate } from './event-store.js';
import { LivePicture } from './live-picture.js';
import { LiveVideo } from './live-video.js';
import type { CameraStatusData, CameraView } from './types.js';

/** States in which something is wrong; the tile shows why. */
const TROUBLE = new Set(['stalled', 'backoff', 'failed']);

/**
 * One camera in the grid: name, state (with the reason when it is not well), analysis rate,
 * drops, the live picture, and the operator's enable/disable/remove buttons, whose API errors
 * appear in the tile itself.
 */
export class CameraTile {
  readonly element: HTMLElement;
  readonly #id: string;
  readonly #onChanged: () => void;
  readonly #title: HTMLElement;
  readonly #badge: HTMLElement;
  readonly #reason: HTMLElement;
  readonly #fps: HTMLElement;
  readonly #dropped: HTMLElement;
  readonly #decoded: HTMLElement;
  readonly #url: HTMLElement;
  readonly #toggle: HTMLButtonElement;
  readonly #remove: HTMLButtonElement;
  readonly #error: HTMLElement;
  readonly #picture: LivePicture;
  readonly #liveButton: HTMLButtonElement;
  #live: LiveVideo | null = null;
  #view: CameraView | null = null;
  #lastCount: { count: number; at: number } | undefined;
  #confirmTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(id: string, onChanged: () => void) {
    this.#id = id;
    this.#onChanged = onChanged;
    const titleId = `camera-${id}-title`;
    this.#title = h('h3', { id: titleId }, id);
    this.#badge = h('span', { class: 'badge', role: 'status' });
    this.#reason = h('p', { class: 'reason', hidden: true });
    const img = h('img', { alt: `Live picture from camera ${id}`, hidden: true, decoding: 'async' });
    const note = h('p', { class: 'picture-note' }, 'Waiting for a picture…');
    const picture = h('div', { class: 'picture' }, img, note);
    this.#fps = h('dd', { class: 'fps' }, '–');
    this.#dropped = h('dd', { class: 'dropped' }, '–');
    this.#decoded = h('dd', { class: 'decoded' }, '–');
    const stats = h('dl', { class: 'stats' },
      h('div', {}, h('dt', {}, 'Analysis'), this.#fps),
      h('div', {}, h('dt', {}, 'Dropped'), this.#dropped),
      h('div', {}, h('dt', {}, 'Decoded'), this.#decoded));
    this.#url = h('p', { class: 'url' });
    this.#toggle = h('button', { type: 'button', class: 'toggle' }, 'Disable');
    this.#remove = h('button', { type: 'button', class: 'remove danger' }, 'Remove');
    this.#error = h('p', { class: 'error', role: 'alert', hidden: true });
    this.#toggle.addEventListener('click', () => void this.#setEnabled());
    this.#remove.addEventListener('click', () => void this.#removeClicked());
    this.#liveButton = h('button', { type: 'button', class: 'live-toggle', 'aria-pressed': 'false', 'aria-label': `Watch camera ${id} live` }, 'Live');
    this.#liveButton.addEventListener('click', () => this.#toggleLive(picture));
    this.element = h('article', { class: 'tile', 'data-camera': id, 'aria-labelledby': titleId },
      h('header', {}, this.#title, this.#liveButton, this.#badge), picture, this.#reason, stats, this.#url,
      h('div', { class: 'actions operator-only' }, this.#toggle, this.#remove), this.#error);
    this.#picture = new LivePicture(picture, img, note, id);
  }

  get name(): string {
    return this.#view?.name || this.#id;
  }

  update(view: CameraView, at: number): void {
    this.#view = view;
    this.#title.textContent = view.name || view.id;
    this.#title.title = view.id;
    this.#setState(view.state, view.stateReason ?? view.lastError?.message ?? null, view.lastError?.code ?? null);
    const analysed = rate(this.#lastCount, view.framesAnalyzed, at);
    this.#lastCount = { count: view.framesAnalyzed, at };
    this.#fps.textContent = `${analysed === null ? '–' : analysed.toFixed(1)} fps of ${view.fps}${view.mode && view.mode !== 'full' ? ` (${view.mode})` : ''}`;
    this.#dropped.textContent = String(view.framesDropped);
    this.#decoded.textContent = String(view.framesDecoded);
    this.#url.textContent = view.url;
    this.#toggle.textContent = view.enabled ? 'Disable' : 'Enable';
    this.#toggle.setAttribute('aria-label', `${view.enabled ? 'Disable' : 'Enable'} camera ${view.name || view.id}`);
    this.#remove.setAttribute('aria-label', `Remove camera ${view.name || view.id}`);
  }

  /** A vigil.camera.status event: shown at once, before the next poll. */
  applyStatus(status: CameraStatusData): void {
    this.#setState(status.state, status.reason ?? status.lastError?.message ?? null, status.lastError?.code ?? null);
  }

  destroy(): void {
    this.#live?.close();
    this.#picture.destroy();
    if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
    this.element.remove();
  }

  /** The live video over the picture (remuxed by the gateway, not re-encoded), or back to the snapshots. */
  #toggleLive(picture: HTMLElement): void {
    const on = !this.#live;
    this.#live?.close();
    this.#live = on ? new LiveVideo(picture, this.#id) : null;
    this.#live?.start();
    this.#liveButton.setAttribute('aria-pressed', String(on));
    this.#liveButton.textContent = on ? 'Stop live' : 'Live';
    this.#liveButton.setAttribute('aria-label', `${on ? 'Stop live video of' : 'Watch'} camera ${this.name}${on ? '' : ' live'}`);
  }

  #setState(state: string, reason: string | null, code: string | null): void {
    this.element.dataset.state = state;
    this.#badge.textContent = state;
    this.#badge.className = `badge state-${state}`;
    const showReason = TROUBLE.has(state) || (state !== 'streaming' && reason !== null);
    this.#reason.textContent = showReason && reason ? (code ? `${reason} (${code})` : reason) : '';
    this.#reason.hidden = !showReason || !reason;
    this.#picture.setActive(state === 'streaming');
  }

  async #setEnabled(): Promise<void> {
    if (!this.#view) return;
    await this.#act(() => api('PATCH', `/v1/cameras/${encodeURIComponent(this.#id)}`, { enabled: !this.#view!.enabled }));
  }

  /** Remove asks once more in place (no modal confirm), then deletes. */
  async #removeClicked(): Promise<void> {
    if (this.#remove.dataset.confirm !== 'yes') {
      this.#remove.dataset.confirm = 'yes';
      this.#remove.textContent = 'Confirm remove';
      this.#confirmTimer = setTimeout(() => this.#resetRemove(), 5000);
      return;
    }
    this.#resetRemove();
    await this.#act(() => api('DELETE', `/v1/cameras/${encodeURIComponent(this.#id)}`));
  }

  #resetRemove(): void {
    if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
    this.#confirmTimer = null;
    delete this.#remove.dataset.confirm;
    this.#remove.textContent = 'Remove';
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    showError(this.#error, null);
    this.#toggle.disabled = this.#remove.disabled = true;
    try {
      await action();
      this.#onChanged();
    } catch (error) {
      showError(this.#error, describeError(error));
    } finally {
      this.#toggle.disabled = this.#remove.disabled = false;
    }
  }
}
