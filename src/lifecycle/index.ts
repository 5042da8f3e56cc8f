export { type Component, type StateChange, StateHolder, withTimeout } from './component';
export { FolderWatcher } from './folder-watcher';
export { backoffBounds, backoffDelay, type BackoffPolicy } from './backoff';
