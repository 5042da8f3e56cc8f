import { basename, dirname } from 'node:path';
import { FolderWatcher } from '../lifecycle';

/** Calls `onChange` when the streams file changes (debounced; editors save by truncate or by rename). */
export class ConfigWatcher extends FolderWatcher {
  constructor(path: string, onChange: () => void, debounceMs = 300) {
    const name = basename(path);
    super(dirname(path), (file) => file === '' || file === name, debounceMs, onChange);
  }
}
