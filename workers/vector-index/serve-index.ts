import type { MessagePort } from 'node:worker_threads';
import type { IndexNotice, IndexReply, IndexRequestBase } from './worker-protocol';

/** What a worker thread serves: an index that starts (loads or builds), answers requests, and saves on close. */
export interface ServedIndex<Request extends IndexRequestBase, Stats> {
  start(stopped: () => boolean): Promise<void>;
  stats(): Stats;
  /** The answer to one request (not `close`); a throw answers with its VIGIL_ERR_* code, or `errorCode`. */
  answer(request: Request): unknown;
  /** Saves the index file when worth keeping and closes the database. */
  close(): void;
  /** Housekeeping between requests once ready (catch up with the table, save now and then), every `everyMs`. */
  readonly tick?: { readonly everyMs: number; run(): void };
}

/**
 * The loop of an index worker thread: requests wait for the index to be ready and are answered one
 * after the other, in arrival order; a `close` saves the index and ends the thread. The index's
 * own work (build, search) never runs on the gateway's event loop.
 */
export function serveIndex<Request extends IndexRequestBase, Stats>(port: MessagePort, index: ServedIndex<Request, Stats>, errorCode: string): void {
  const notify = (notice: IndexNotice<Stats>): void => port.postMessage(notice);
  let closing = false;
  let failure: Error | null = null;
  let timer: NodeJS.Timeout | null = null;
  const ready = index.start(() => closing).then(
    () => {
      if (closing) return;
      notify({ type: 'ready', stats: index.stats() });
      const tick = index.tick;
      if (tick) {
        timer = setInterval(() => {
          if (closing || failure) return;
          try {
            tick.run();
          } catch (error) {
            notify({ type: 'warning', message: `index housekeeping failed: ${(error as Error).message}` });
          }
        }, tick.everyMs);
        timer.unref();
      }
    },
    (error: unknown) => {
      failure = error as Error;
      notify({ type: 'failed', message: failure.message });
    },
  );
  // Requests wait for the index and then run one after the other, in arrival order.
  let queue: Promise<void> = ready;
  const answer = (request: Request): IndexReply => {
    if (request.type === 'close') {
      index.close();
      return { id: request.id, ok: true };
    }
    if (failure) throw failure;
    return { id: request.id, ok: true, value: index.answer(request) };
  };
  port.on('message', (request: Request) => {
    if (request.type === 'close') {
      closing = true;
      if (timer) clearInterval(timer);
    }
    queue = queue.then(() => {
      let reply: IndexReply;
      try {
        reply = answer(request);
      } catch (error) {
        const code = (error as { code?: string }).code;
        reply = { id: request.id, ok: false, error: { code: typeof code === 'string' && code.startsWith('VIGIL_ERR_') ? code : errorCode, message: (error as Error).message } };
      }
      port.postMessage(reply);
      if (request.type === 'close') port.close();
    });
  });
}
