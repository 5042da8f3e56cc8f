import { FolderWatcher } from '../lifecycle';

/**
 * Watches the models folder: copying a 100 MB model fires many events, and a half-written file
 * must not be verified, hence the debounce. Only .onnx files and manifest.json matter; editors'
 * temp files are ignored. A watcher error leaves the loaded models serving; it is reported and the
 * watch armed again.
 */
export class ModelWatcher extends FolderWatcher {
  constructor(dir: string, debounceMs: number, onChange: () => void, onError?: (error: Error) => void) {
    super(dir, (name) => name === '' || name.endsWith('.onnx') || name === 'manifest.json', debounceMs, onChange, { ...(onError && { onError }) });
  }
}
