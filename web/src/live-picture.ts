import { ApiError, describeError, imageUrl } from './api.js';
import { setObjectUrl } from './dom.js';

/** About one picture a second per visible tile; the gateway caches its JPEG for ~200 ms. */
const INTERVAL_MS = 1000;
const RETRY_MS = 5000;

/**
 * A camera tile's live picture: the latest frame the gateway already decoded, fetched as a JPEG
 * while the tile is on screen and the tab is visible. No video is re-encoded anywhere.
 */
export class LivePicture {
  readonly #img: HTMLImageElement;
  readonly #note: HTMLElement;
  readonly #path: string;
  readonly #observer: IntersectionObserver;
  #visible = false;
  #active = true;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #busy = false;

  constructor(container: HTMLElement, img: HTMLImageElement, note: HTMLElement, cameraId: string) {
    this.#img = img;
    this.#note = note;
    this.#path = `/v1/cameras/${encodeURIComponent(cameraId)}/snapshot`;
    this.#observer = new IntersectionObserver((entries) => {
      this.#visible = entries.some((e) => e.isIntersecting);
      if (this.#visible) this.#schedule(0);
    });
    this.#observer.observe(container);
  }

  /** Polls only while the camera delivers frames; otherwise the last picture stays. */
  setActive(active: boolean): void {
    if (active === this.#active) return;
    this.#active = active;
    if (active) this.#schedule(0);
  }

  destroy(): void {
    this.#observer.disconnect();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#visible = false;
    setObjectUrl(this.#img, null);
  }

  #schedule(delay: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delay);
  }

  async #tick(): Promise<void> {
    this.#timer = null;
    if (!this.#visible || this.#busy) return;
    if (!this.#active || document.visibilityState !== 'visible') return this.#schedule(INTERVAL_MS);
    this.#busy = true;
    let next = INTERVAL_MS;
    try {
      const url = await imageUrl(this.#path);
      if (!this.#visible) URL.revokeObjectURL(url);
      else {
        setObjectUrl(this.#img, url);
        this.#img.hidden = false;
        this.#note.hidden = true;
      }
    } catch (error) {
      next = RETRY_MS;
      // No frame yet (404 from the route), or the route missing on an older gateway: say so in place.
      const text = error instanceof ApiError && error.code === 'VIGIL_ERR_SNAPSHOT_NOT_FOUND' ? 'No picture yet' : `No live picture: ${describeError(error)}`;
      this.#note.textContent = text;
      this.#note.hidden = false;
    } finally {
      this.#busy = false;
    }
    if (this.#visible) this.#schedule(next);
  }
}
