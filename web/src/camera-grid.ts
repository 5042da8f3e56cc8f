import { api, describeError } from './api.js';
import { showError } from './dom.js';
import { CameraTile } from './camera-tile.js';
import { Poller } from './poller.js';
import type { CameraStatusData, CameraView } from './types.js';

const POLL_MS = 2000;

/** The grid of camera tiles, kept in step with GET /v1/cameras (polled) and status events. */
export class CameraGrid {
  readonly #root: HTMLElement;
  readonly #error: HTMLElement;
  readonly #onCameras: (cameras: readonly CameraView[]) => void;
  readonly #tiles = new Map<string, CameraTile>();
  readonly #poller = new Poller(() => this.#load(), POLL_MS);

  constructor(root: HTMLElement, error: HTMLElement, onCameras: (cameras: readonly CameraView[]) => void) {
    this.#root = root;
    this.#error = error;
    this.#onCameras = onCameras;
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  nameOf(id: string): string {
    return this.#tiles.get(id)?.name ?? id;
  }

  applyStatus(status: CameraStatusData): void {
    const tile = this.#tiles.get(status.camera);
    if (tile) tile.applyStatus(status);
    else void this.refresh();
  }

  /** Reads the camera list now (and then every POLL_MS while running). */
  refresh(): Promise<void> {
    return this.#poller.now();
  }

  async #load(): Promise<void> {
    try {
      const cameras = await api<CameraView[]>('GET', '/v1/cameras');
      showError(this.#error, null);
      this.#render(cameras, performance.now());
      this.#onCameras(cameras);
    } catch (error) {
      showError(this.#error, `Cameras: ${describeError(error)}`);
    }
  }

  #render(cameras: readonly CameraView[], at: number): void {
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const view of cameras) {
      seen.add(view.id);
      let tile = this.#tiles.get(view.id);
      if (!tile) {
        tile = new CameraTile(view.id, () => void this.refresh());
        this.#tiles.set(view.id, tile);
      }
      tile.update(view, at);
      // Keep the API's order without re-inserting tiles that are already in place.
      const expected: Element | null = previous ? previous.nextElementSibling : this.#root.firstElementChild;
      if (expected !== tile.element) this.#root.insertBefore(tile.element, expected);
      previous = tile.element;
    }
    for (const [id, tile] of this.#tiles) {
      if (seen.has(id)) continue;
      tile.destroy();
      this.#tiles.delete(id);
    }
    this.#root.dataset.count = String(cameras.length);
    this.#root.setAttribute('aria-busy', 'false');
  }
}
