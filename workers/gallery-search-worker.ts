import { parentPort, workerData } from 'node:worker_threads';
import { FaceIndex } from './gallery-search/face-index';
import type { GallerySearchSettings, SearchNotice, SearchRequest } from './gallery-search/protocol';
import { serveIndex } from './vector-index/serve-index';

/**
 * The gallery's search thread: owns the face index (exact scan or ANN) so that neither building it
 * nor searching it blocks the gateway's event loop. Requests are answered in order, after the index
 * is ready; a close saves the index file (when it is worth keeping) and ends the thread.
 */
const port = parentPort;
if (!port) throw new Error('gallery-search-worker runs as a worker thread');
const notify = (notice: SearchNotice): void => port.postMessage(notice);
const index = new FaceIndex(workerData as GallerySearchSettings, {
  onProgress: (done, total) => notify({ type: 'building', done, total }),
  onWarning: (message) => notify({ type: 'warning', message }),
});

serveIndex<SearchRequest, ReturnType<FaceIndex['stats']>>(port, {
  start: (stopped) => index.start(stopped),
  stats: () => index.stats(),
  answer: (request) => {
    switch (request.type) {
      case 'search':
        return index.search(request.query, request.k);
      case 'sync':
        index.sync();
        return index.stats();
      case 'stats':
        // Like a search, the figures cover every write committed before the request (an inline
        // search on the gateway's thread does not bring the worker up to date).
        index.sync();
        return index.stats();
      case 'close':
        return undefined;
    }
  },
  close: () => {
    index.saveIfUseful();
    index.close();
  },
}, 'VIGIL_ERR_GALLERY_SEARCH_FAILED');
