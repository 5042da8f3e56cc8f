import type { Logger } from 'pino';
import type { Gallery } from './store';

/**
 * The CLI edits gallery.db while a gateway runs (WAL): this reloads the gateway's index every
 * `intervalMs` when another connection committed, and reports the size.
 */
export class GalleryRefresher {
  readonly #gallery: Gallery;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #onSize: (identities: number) => void;
  #timer: NodeJS.Timeout | null = null;

  constructor(gallery: Gallery, options: { intervalMs: number; logger: Logger; onSize: (identities: number) => void }) {
    this.#gallery = gallery;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
    this.#onSize = options.onSize;
  }

  async start(): Promise<void> {
    if (this.#timer) return;
    this.#onSize(this.#gallery.size);
    this.#timer = setInterval(() => this.#refresh(), this.#intervalMs).unref();
  }

  /** Nothing is in flight between ticks, so closing is immediate. */
  async close(): Promise<void> {
    this.destroy();
  }

  destroy(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #refresh(): void {
    try {
      if (!this.#gallery.refreshIfChanged()) return;
      this.#onSize(this.#gallery.size);
      this.#logger.info({ identities: this.#gallery.size }, 'gallery reloaded');
    } catch (error) {
      this.#logger.warn({ err: String(error) }, 'gallery refresh failed');
    }
  }
}
