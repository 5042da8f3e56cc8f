export { type Component, type StateChange, StateHolder, withTimeout } from './component';
export { systemClock, type Clock, type TimerHandle } from './clock';
export { FolderWatcher } from './folder-watcher';
export { backoffBounds, backoffDelay, type BackoffPolicy } from './backoff';
export { IndexWorker, type IndexWorkerState, type IndexWorkerHooks, type IndexWorkerOptions } from './index-worker';
export { WORKER_RESOURCE_LIMITS } from './worker-limits';
