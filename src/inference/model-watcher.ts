import { watch, type FSWatcher } from 'node:fs';

/**
 * Watches the models folder and calls `onChange` once things have been quiet for `debounceMs`:
 * copying a 100 MB model fires many events, and a half-written file must not be verified.
 * Only .onnx files and manifest.json matter; editors' temp files are ignored.
 */
export class ModelWatcher {
  readonly #dir: string;
  readonly #debounceMs: number;
  readonly #onChange: () => void;
  #watcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(dir: string, debounceMs: number, onChange: () => void) {
    this.#dir = dir;
    this.#debounceMs = debounceMs;
    this.#onChange = onChange;
  }

  start(): void {
    if (this.#watcher) return;
    this.#watcher = watch(this.#dir, { persistent: false }, (_event, file) => {
      const name = file === null ? '' : String(file);
      if (name !== '' && !name.endsWith('.onnx') && name !== 'manifest.json') return;
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#onChange();
      }, this.#debounceMs);
    });
    // A watcher error (folder removed) must not crash the gateway; the loaded models keep serving.
    this.#watcher.on('error', () => this.close());
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#watcher?.close();
    this.#watcher = null;
  }
}
