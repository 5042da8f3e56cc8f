import { parentPort, workerData } from 'node:worker_threads';
import { AppearanceIndex } from './appearance-search/appearance-index';
import type { AppearanceNotice, AppearanceRequest, AppearanceSearchSettings, AppearanceStats } from './appearance-search/protocol';
import { serveIndex } from './vector-index/serve-index';

/**
 * The history's face search thread: owns the ANN index over stored appearances, so that building,
 * following and searching it never block the gateway's event loop. Requests are answered in order
 * once the index is ready; every few seconds it catches up with history.db by itself.
 */
const port = parentPort;
if (!port) throw new Error('appearance-search-worker runs as a worker thread');
const notify = (notice: AppearanceNotice): void => port.postMessage(notice);
const index = new AppearanceIndex(workerData as AppearanceSearchSettings, {
  onProgress: (done, total) => notify({ type: 'building', done, total }),
  onWarning: (message) => notify({ type: 'warning', message }),
});

serveIndex<AppearanceRequest, AppearanceStats>(port, {
  start: (stopped) => index.start(stopped),
  stats: () => index.stats(),
  answer: (request) => {
    switch (request.type) {
      case 'search':
        return index.search(request.query);
      case 'stats':
        return index.stats();
      case 'close':
        return undefined;
    }
  },
  close: () => index.close(),
  tick: { everyMs: 5000, run: () => index.tick() },
}, 'VIGIL_ERR_FACE_SEARCH_FAILED');
