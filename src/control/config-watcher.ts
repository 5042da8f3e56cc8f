import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` when the streams file changes, debounced: editors write by truncate-and-write
 * or by rename over the file, so the folder is watched (a watch on the file itself would be lost
 * on rename).
 */
export class ConfigWatcher {
  readonly #path: string;
  readonly #onChange: () => void;
  readonly #debounceMs: number;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(path: string, onChange: () => void, debounceMs = 300) {
    this.#path = path;
    this.#onChange = onChange;
    this.#debounceMs = debounceMs;
  }

  start(): void {
    if (this.#watcher) return;
    const name = basename(this.#path);
    this.#watcher = watch(dirname(this.#path), (_event, file) => {
      if (file !== null && file !== name) return;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#onChange();
      }, this.#debounceMs);
    });
    this.#watcher.on('error', () => this.close());
    this.#watcher.unref();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#watcher?.close();
    this.#watcher = null;
  }
}
