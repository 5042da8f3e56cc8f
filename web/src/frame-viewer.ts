import { describeError, imageUrl } from './api.js';
import { byId, formatTime, setObjectUrl, showError } from './dom.js';
import { faceData, formatSimilarity } from './event-store.js';
import { RECOGNIZED, type VigilEvent } from './types.js';

/**
 * The dialog with an event's full-frame snapshot and the face box drawn on it. The box is in
 * pixels of the analysed frame, which is what the frame snapshot holds, so it is placed as
 * fractions of the picture's own size and scales with it.
 */
export class FrameViewer {
  readonly #dialog = byId<HTMLDialogElement>('viewer');
  readonly #title = byId('viewer-title');
  readonly #img = byId<HTMLImageElement>('viewer-image');
  readonly #box = byId('viewer-box');
  readonly #meta = byId('viewer-meta');
  readonly #error = byId('viewer-error');

  constructor() {
    this.#dialog.addEventListener('close', () => setObjectUrl(this.#img, null));
  }

  open(event: VigilEvent, cameraName: string): void {
    const data = faceData(event);
    const who = event.type === RECOGNIZED ? (data.identity?.name ?? 'recognized') : 'Unknown face';
    this.#title.textContent = `${who} at ${cameraName}`;
    const parts = [formatTime(event.time)];
    const similarity = formatSimilarity(data.similarity);
    if (similarity) parts.push(`similarity ${similarity}`);
    if (data.quality) parts.push(`quality ${data.quality.score.toFixed(2)}`);
    if (typeof data.liveness === 'number') parts.push(`liveness ${data.liveness.toFixed(2)}`);
    this.#meta.textContent = parts.join(' · ');
    this.#img.alt = `Full frame from ${cameraName} with ${who}'s face outlined`;
    this.#box.hidden = true;
    showError(this.#error, null);
    setObjectUrl(this.#img, null);
    if (!this.#dialog.open) this.#dialog.showModal();
    const frame = data.snapshots?.frame;
    if (!frame) {
      showError(this.#error, 'This event has no snapshot.');
      return;
    }
    imageUrl(frame)
      .then((url) => {
        this.#img.onload = () => this.#placeBox(data.box);
        setObjectUrl(this.#img, url);
      })
      .catch((error: unknown) => showError(this.#error, describeError(error)));
  }

  #placeBox(box: { x: number; y: number; width: number; height: number } | undefined): void {
    const { naturalWidth: w, naturalHeight: hgt } = this.#img;
    if (!box || !w || !hgt) return;
    const style = this.#box.style;
    style.left = `${(box.x / w) * 100}%`;
    style.top = `${(box.y / hgt) * 100}%`;
    style.width = `${(box.width / w) * 100}%`;
    style.height = `${(box.height / hgt) * 100}%`;
    this.#box.hidden = false;
  }
}
