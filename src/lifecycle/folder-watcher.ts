import { statSync, watch, type FSWatcher } from 'node:fs';

export interface FolderWatcherOptions {
  /** Told about every watcher failure (the watch could not start, or broke); the watcher keeps trying. */
  readonly onError?: (error: Error) => void;
  /** First wait before watching again after a failure; doubles up to 30 s. */
  readonly retryMs?: number;
}

const RETRY_MAX_MS = 30_000;

/**
 * Calls `onChange` once a folder has been quiet for `debounceMs` after a change to a file that
 * `accepts` (the name is '' when the platform does not say which file changed). A folder, not a
 * file, is watched: editors and copy tools replace files by rename, which a watch on the file
 * itself would lose. Never keeps the process alive.
 *
 * A broken watch is reported (`onError`) and armed again, with backoff, until it works: an error
 * event, a watch that cannot start, or the folder itself removed or replaced (Linux reports that
 * as a plain event and then goes quiet). Once watching again, `onChange` runs, because anything
 * may have changed while nobody was looking.
 */
export class FolderWatcher {
  readonly #dir: string;
  readonly #accepts: (name: string) => boolean;
  readonly #debounceMs: number;
  readonly #onChange: () => void;
  readonly #options: FolderWatcherOptions;
  #watcher: FSWatcher | null = null;
  #inode: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #retry: NodeJS.Timeout | null = null;
  #retryMs: number;
  #open = false;

  constructor(dir: string, accepts: (name: string) => boolean, debounceMs: number, onChange: () => void, options: FolderWatcherOptions = {}) {
    this.#dir = dir;
    this.#accepts = accepts;
    this.#debounceMs = debounceMs;
    this.#onChange = onChange;
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** Whether a watch is in place right now (false while waiting to re-arm). */
  get watching(): boolean {
    return this.#watcher !== null;
  }

  start(): void {
    if (this.#open) return;
    this.#open = true;
    this.#arm(false);
  }

  close(): void {
    this.#open = false;
    for (const timer of [this.#timer, this.#retry]) if (timer) clearTimeout(timer);
    this.#timer = null;
    this.#retry = null;
    this.#unwatch();
  }

  #arm(afterFailure: boolean): void {
    try {
      this.#inode = statSync(this.#dir).ino;
      this.#watcher = watch(this.#dir, { persistent: false }, (_event, file) => this.#event(file === null ? '' : String(file)));
      this.#watcher.on('error', (error) => this.#fail(error));
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#retryMs = this.#options.retryMs ?? 1000;
    if (afterFailure) this.#schedule();
  }

  #event(name: string): void {
    // Events about the folder itself (its own name) may mean it was removed: check at the debounce.
    if (this.#accepts(name) || name === '') this.#schedule();
    else this.#scheduleCheckOnly();
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#stillThere()) return;
      this.#onChange();
    }, this.#debounceMs);
    this.#timer.unref();
  }

  /** An event the caller does not care about: only make sure the watch itself is still sound. */
  #scheduleCheckOnly(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#stillThere();
    }, this.#debounceMs);
    this.#timer.unref();
  }

  /** False (and re-arming) when the watched folder is gone or is another folder now. */
  #stillThere(): boolean {
    let inode: number | null = null;
    try {
      inode = statSync(this.#dir).ino;
    } catch {
      inode = null;
    }
    if (inode !== null && inode === this.#inode) return true;
    this.#fail(new Error(`${this.#dir} was removed or replaced`));
    return false;
  }

  #fail(error: Error): void {
    this.#unwatch();
    if (!this.#open) return;
    this.#options.onError?.(error);
    if (this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (this.#open) this.#arm(true);
    }, this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }
}
