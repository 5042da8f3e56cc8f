export { ConfigWatcher } from './config-watcher';
