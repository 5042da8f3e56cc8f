import type { Logger } from 'pino';
import { cameraSchema, type CameraConfig } from '../config';
import { VigilError } from '../errors';
import { CameraUrl } from '../ingest';
import type { CameraAdmission } from './camera-admission';
import { recordFromCreate, recordFromPatch, validateCamera, type CameraRecord } from './camera-input';
import { desiredCameras, planCameras, type CameraOrigin, type DesiredCamera } from './camera-plan';
import type { CameraRuntime } from './camera-runtime';
import type { ApiCameraStore } from './camera-store';
import type { CameraView } from './camera-view';

export interface CameraRegistryOptions {
  readonly logger: Logger;
  /** Builds (does not start) the runtime of one camera. */
  readonly create: (camera: CameraConfig, origin: CameraOrigin) => CameraRuntime;
  readonly urlRules: { allowLocalFiles: boolean; baseDir: string };
  readonly snapshotQuality: number;
  /** Credentials and address rules for the URLs the API adds (400 when refused). */
  readonly admission?: CameraAdmission;
  /** Cluster mode: whether this gateway runs the camera (absent: every camera runs here). */
  readonly owns?: (id: string) => boolean;
  /** Cluster mode: the view of a camera that runs (or will run) on another gateway. */
  readonly elsewhere?: (id: string) => CameraView | null;
}

interface Running extends DesiredCamera {
  readonly runtime: CameraRuntime;
}

/**
 * The one registry of running cameras: those of streams.yaml and those added through the API
 * (stored in control.db). The file is the declarative base and wins on a shared id. Changes are
 * serialised (one at a time) and stored before the camera starts; only changed cameras restart.
 */
export class CameraRegistry {
  readonly #options: CameraRegistryOptions;
  readonly #running = new Map<string, Running>();
  #fileCameras: readonly CameraConfig[] = [];
  #store: ApiCameraStore | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: CameraRegistryOptions) {
    this.#options = options;
  }

  /** Runtimes, in order, for metrics and shutdown. */
  get runtimes(): CameraRuntime[] {
    return [...this.#running.values()].map((r) => r.runtime);
  }

  async start(store: ApiCameraStore, fileCameras: readonly CameraConfig[]): Promise<void> {
    this.#store = store;
    await this.applyFile(fileCameras);
  }

  /** The streams file changed (or start): reconcile what runs with the file plus the stored API cameras. */
  applyFile(fileCameras: readonly CameraConfig[]): Promise<void> {
    return this.#serial(async () => {
      this.#fileCameras = fileCameras;
      await this.#reconcile();
    });
  }

  /** Ownership or the stored cameras changed (cluster mode): reconcile what runs here. */
  refresh(): Promise<void> {
    return this.#serial(() => this.#reconcile());
  }

  /** Every camera that should run somewhere (file and API), whichever gateway runs it. */
  configured(): { config: CameraConfig; origin: CameraOrigin }[] {
    return desiredCameras(this.#fileCameras, this.#apiCameras(true)).cameras;
  }

  /** Whether the camera runs on this gateway. */
  has(id: string): boolean {
    return this.#running.has(id);
  }

  list(): CameraView[] {
    return this.runtimes.map((r) => r.view());
  }

  health(): { camera: string; reconnectsLastHour: number; stallsLastHour: number }[] {
    return this.runtimes.map((r) => r.health());
  }

  get(id: string): CameraView {
    return this.#require(id).runtime.view();
  }

  add(input: Record<string, unknown>): Promise<CameraView> {
    return this.#serial(async () => {
      const record = recordFromCreate(input);
      const store = this.#requireStore();
      if (this.#running.has(record.id) || this.#fileCameras.some((c) => c.id === record.id) || store.camera(record.id)) {
        throw new VigilError('VIGIL_ERR_CAMERA_EXISTS', `camera "${record.id}" exists`, { camera: record.id });
      }
      validateCamera(record, this.#apiUrlRules());
      await this.#admit(record);
      if (!(await store.insert(record.id, record))) throw new VigilError('VIGIL_ERR_CAMERA_EXISTS', `camera "${record.id}" exists`, { camera: record.id });
      this.#options.logger.info({ camera: record.id }, 'camera added through the API');
      await this.#reconcile();
      return this.#viewAfterChange(record.id);
    });
  }

  update(id: string, patch: Record<string, unknown>): Promise<CameraView> {
    return this.#serial(async () => {
      const stored = this.#requireApiCamera(id);
      const record = recordFromPatch(stored, patch);
      validateCamera(record, this.#apiUrlRules());
      await this.#admit(record);
      await this.#requireStore().update(id, record);
      this.#options.logger.info({ camera: id, fields: Object.keys(patch).filter((k) => k !== 'password') }, 'camera changed through the API');
      await this.#reconcile();
      return this.#viewAfterChange(id);
    });
  }

  remove(id: string): Promise<void> {
    return this.#serial(async () => {
      this.#requireApiCamera(id);
      await this.#requireStore().delete(id);
      this.#options.logger.info({ camera: id }, 'camera removed through the API');
      await this.#reconcile();
    });
  }

  async snapshot(id: string): Promise<Buffer> {
    const jpeg = await this.#require(id).runtime.snapshot(this.#options.snapshotQuality);
    if (!jpeg) throw new VigilError('VIGIL_ERR_SNAPSHOT_NOT_FOUND', `camera "${id}" has not decoded a frame yet`, { camera: id });
    return jpeg;
  }

  /** Stops every camera (graceful, each within `timeoutMs`); later changes are refused. */
  close(timeoutMs?: number): Promise<void> {
    return this.#serial(async () => {
      this.#closed = true;
      await Promise.all(this.runtimes.map((r) => r.close(timeoutMs)));
    });
  }

  destroy(): void {
    this.#closed = true;
    for (const r of this.runtimes) r.destroy();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new VigilError('VIGIL_ERR_NOT_READY', 'the gateway is shutting down');
      return work();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The API never opens local files, whatever streams.yaml allows: a request must not make the gateway read a path. */
  #apiUrlRules(): { allowLocalFiles: boolean; baseDir: string } {
    return { ...this.#options.urlRules, allowLocalFiles: false };
  }

  async #admit(record: CameraRecord): Promise<void> {
    await this.#options.admission?.checkHost(CameraUrl.parse(record.url, this.#apiUrlRules()));
  }

  #require(id: string): Running {
    const running = this.#running.get(id);
    if (!running) throw new VigilError('VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${id}"`, { camera: id });
    return running;
  }

  #viewAfterChange(id: string): CameraView {
    if (this.#running.has(id)) return this.get(id);
    const view = this.#options.elsewhere?.(id);
    if (!view) throw new VigilError('VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${id}"`, { camera: id });
    return view;
  }

  #requireStore(): ApiCameraStore {
    if (!this.#store) throw new VigilError('VIGIL_ERR_NOT_READY', 'the control database is not open yet');
    return this.#store;
  }

  #requireApiCamera(id: string): CameraRecord {
    if (this.#fileCameras.some((c) => c.id === id)) throw new VigilError('VIGIL_ERR_CAMERA_CONFIG_OWNED', `camera "${id}" is defined in streams.yaml; change it there`, { camera: id });
    const stored = this.#requireStore().camera(id);
    if (!stored) throw new VigilError('VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${id}"`, { camera: id });
    return stored.config as CameraRecord;
  }

  /** Stored API cameras that still pass the schema (a stored row that no longer does is logged and skipped). */
  #apiCameras(quiet = false): CameraConfig[] {
    const out: CameraConfig[] = [];
    for (const stored of this.#store?.cameras() ?? []) {
      const parsed = cameraSchema.safeParse(stored.config);
      if (parsed.success) out.push(parsed.data);
      else if (!quiet) this.#options.logger.error({ camera: stored.id }, 'stored camera no longer valid; not started');
    }
    return out;
  }

  async #reconcile(): Promise<void> {
    const desired = desiredCameras(this.#fileCameras, this.#apiCameras());
    for (const id of desired.shadowed) this.#options.logger.warn({ camera: id }, 'camera defined both in streams.yaml and through the API: the file wins');
    const owns = this.#options.owns;
    const cameras = owns ? desired.cameras.filter((c) => owns(c.config.id)) : desired.cameras;
    const plan = planCameras(this.#running, cameras);
    const stopping = [...plan.remove, ...plan.replace.map((c) => c.config.id)];
    await Promise.all(
      stopping.map(async (id) => {
        const running = this.#running.get(id);
        if (!running) return;
        this.#running.delete(id);
        const wasRunning = running.config.enabled && running.runtime.state !== 'failed';
        await running.runtime.close();
        if (!plan.remove.includes(id)) return;
        await running.runtime.forgetMetrics();
        if (!wasRunning) running.runtime.announce('stopped', running.runtime.state, 'camera removed');
      }),
    );
    // Keep the file's order first, then API cameras in creation order.
    const order = new Map(cameras.map((c, i) => [c.config.id, i]));
    for (const camera of [...plan.add, ...plan.replace]) {
      const runtime = this.#options.create(camera.config, camera.origin);
      this.#running.set(camera.config.id, { ...camera, runtime });
      await runtime.start();
    }
    const sorted = [...this.#running.entries()].sort((a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0));
    this.#running.clear();
    for (const [id, r] of sorted) this.#running.set(id, r);
  }
}
