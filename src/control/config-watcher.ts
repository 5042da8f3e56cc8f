import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { FolderWatcher } from '../lifecycle';

export interface ConfigWatcherOptions {
  readonly debounceMs?: number;
  /** sha256 of the text the running configuration was loaded from; without it, the text at start(). */
  readonly initialSha256?: string | undefined;
  /** Watcher failures (logged by the caller; the watcher keeps trying). */
  readonly onError?: (error: Error) => void;
}

/** sha256 of a file's content, read through symlinks; null when it cannot be read right now. */
export function fileSha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * Calls `onChange` when the streams file's content changes. Any change in its folder counts as a
 * hint, whatever the name: a Kubernetes ConfigMap volume updates `streams.yaml ->
 * ..data/streams.yaml` by renaming a new `..data` symlink over the old one, and no event names
 * `streams.yaml`. After each hint the file is read (symlinks followed) and hashed; only a changed
 * hash reloads, so unrelated files in the folder cost a read, never a reload. When the path is a
 * symlink into another folder, that folder is watched too (edits made at the link's target).
 */
export class ConfigWatcher {
  readonly #path: string;
  readonly #onChange: () => void;
  readonly #options: ConfigWatcherOptions;
  readonly #folder: FolderWatcher;
  #target: { dir: string; watcher: FolderWatcher } | null = null;
  #sha256: string | null = null;
  #startCheck: NodeJS.Timeout | null = null;
  #checks = 0;
  #open = false;

  constructor(path: string, onChange: () => void, options: ConfigWatcherOptions = {}) {
    this.#path = path;
    this.#onChange = onChange;
    this.#options = options;
    const debounceMs = options.debounceMs ?? 300;
    this.#folder = new FolderWatcher(dirname(path), () => true, debounceMs, () => this.check(), { ...(options.onError && { onError: options.onError }) });
  }

  /** How many times the file was read and compared (each hint in the folder leads to one). */
  get checks(): number {
    return this.#checks;
  }

  start(): void {
    if (this.#open) return;
    this.#open = true;
    this.#sha256 = this.#options.initialSha256 ?? fileSha256(this.#path);
    this.#folder.start();
    this.#followTarget();
    // The file may have changed between loading it and now (start-up takes seconds); looked at
    // once the caller is done starting.
    if (this.#options.initialSha256 !== undefined) {
      this.#startCheck = setTimeout(() => this.check(), this.#options.debounceMs ?? 300);
      this.#startCheck.unref();
    }
  }

  close(): void {
    this.#open = false;
    if (this.#startCheck) clearTimeout(this.#startCheck);
    this.#startCheck = null;
    this.#folder.close();
    this.#target?.watcher.close();
    this.#target = null;
  }

  /** Reloads when the content changed since the last load; returns whether it did. */
  check(): boolean {
    if (!this.#open) return false;
    this.#followTarget();
    this.#checks += 1;
    const sha256 = fileSha256(this.#path);
    // Unreadable (mid-swap, or removed): keep what runs; the next event looks again.
    if (sha256 === null || sha256 === this.#sha256) return false;
    this.#sha256 = sha256;
    this.#onChange();
    return true;
  }

  /** Watches the folder the path resolves into when that is not its own folder; follows it when a swap moves it. */
  #followTarget(): void {
    let dir: string | null = null;
    try {
      const real = dirname(realpathSync(this.#path));
      dir = real === realpathSync(dirname(this.#path)) ? null : real;
    } catch {
      dir = null;
    }
    if (dir === (this.#target?.dir ?? null)) return;
    this.#target?.watcher.close();
    this.#target = null;
    if (dir === null) return;
    // No error reporting here: a ConfigMap swap deletes the old target folder by design; the
    // next check moves to the new one.
    const watcher = new FolderWatcher(dir, () => true, this.#options.debounceMs ?? 300, () => this.check(), { onError: () => queueMicrotask(() => this.check()) });
    this.#target = { dir, watcher };
    watcher.start();
  }
}
