import { watch, type FSWatcher } from 'node:fs';

/**
 * Calls `onChange` once a folder has been quiet for `debounceMs` after a change to a file that
 * `accepts` (the name is '' when the platform does not say which file changed). A folder, not a
 * file, is watched: editors and copy tools replace files by rename, which a watch on the file
 * itself would lose. Never keeps the process alive; a watcher error (folder removed) stops it.
 */
export class FolderWatcher {
  readonly #dir: string;
  readonly #accepts: (name: string) => boolean;
  readonly #debounceMs: number;
  readonly #onChange: () => void;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(dir: string, accepts: (name: string) => boolean, debounceMs: number, onChange: () => void) {
    this.#dir = dir;
    this.#accepts = accepts;
    this.#debounceMs = debounceMs;
    this.#onChange = onChange;
  }

  start(): void {
    if (this.#watcher) return;
    this.#watcher = watch(this.#dir, { persistent: false }, (_event, file) => {
      if (!this.#accepts(file === null ? '' : String(file))) return;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#onChange();
      }, this.#debounceMs);
    });
    this.#watcher.on('error', () => this.close());
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#watcher?.close();
    this.#watcher = null;
  }
}
