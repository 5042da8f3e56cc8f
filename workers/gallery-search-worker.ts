import { parentPort, workerData } from 'node:worker_threads';
import { FaceIndex } from './gallery-search/face-index';
import type { GallerySearchSettings, SearchNotice, SearchReply, SearchRequest } from './gallery-search/protocol';

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

let closing = false;
let failure: Error | null = null;
const ready = index.start(() => closing).then(
  () => {
    if (!closing) notify({ type: 'ready', stats: index.stats() });
  },
  (error: unknown) => {
    failure = error as Error;
    notify({ type: 'failed', message: failure.message });
  },
);
// Requests wait for the index and then run one after the other, in arrival order.
let queue: Promise<void> = ready;

function answer(request: SearchRequest): SearchReply {
  if (failure && request.type !== 'close') throw failure;
  switch (request.type) {
    case 'search':
      return { id: request.id, ok: true, candidates: index.search(request.query, request.k) };
    case 'sync':
      index.sync();
      return { id: request.id, ok: true, stats: index.stats() };
    case 'stats':
      // Like a search, the figures cover every write committed before the request (an inline
      // search on the gateway's thread does not bring the worker up to date).
      index.sync();
      return { id: request.id, ok: true, stats: index.stats() };
    case 'close':
      index.saveIfUseful();
      index.close();
      return { id: request.id, ok: true };
  }
}

port.on('message', (request: SearchRequest) => {
  if (request.type === 'close') closing = true;
  queue = queue.then(() => {
    let reply: SearchReply;
    try {
      reply = answer(request);
    } catch (error) {
      const code = (error as { code?: string }).code;
      reply = { id: request.id, ok: false, error: { code: typeof code === 'string' && code.startsWith('VIGIL_ERR_') ? code : 'VIGIL_ERR_GALLERY_SEARCH_FAILED', message: (error as Error).message } };
    }
    port.postMessage(reply);
    if (request.type === 'close') port.close();
  });
});
