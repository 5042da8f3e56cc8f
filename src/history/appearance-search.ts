import { join } from 'node:path';
import { VigilError } from '../errors';
import { IndexWorker, type IndexWorkerHooks } from '../lifecycle';
import { WORKERS_DIR } from '../config';
import type { AppearanceAnswer, AppearanceQuery, AppearanceRequest, AppearanceSearchSettings, AppearanceStats } from '../../workers/appearance-search/protocol';

export type { AppearanceAnswer, AppearanceQuery, AppearanceSearchSettings, AppearanceStats } from '../../workers/appearance-search/protocol';

/**
 * Search over stored appearances, off the event loop: a worker thread owns the ANN index of
 * history.db's appearances (one embedding model's), follows the table through its change log and
 * answers searches in order (src/lifecycle/index-worker.ts: restarted with backoff if it fails;
 * meanwhile searches fail with VIGIL_ERR_FACE_SEARCH_FAILED).
 */
export class AppearanceSearch extends IndexWorker<AppearanceRequest, AppearanceStats> {
  readonly model: string;

  constructor(settings: AppearanceSearchSettings, hooks: IndexWorkerHooks<AppearanceStats> = {}) {
    super({
      name: 'face search',
      script: join(WORKERS_DIR, 'appearance-search-worker.js'),
      workerData: settings,
      failure: (message) => new VigilError('VIGIL_ERR_FACE_SEARCH_FAILED', message),
      ...hooks,
    });
    this.model = settings.model;
  }

  async search(query: AppearanceQuery): Promise<AppearanceAnswer> {
    return (await this.request({ type: 'search', query })) as AppearanceAnswer;
  }

  async stats(): Promise<AppearanceStats> {
    return (await this.request({ type: 'stats' })) as AppearanceStats;
  }
}
