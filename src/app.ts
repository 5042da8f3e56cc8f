import type { Logger } from 'pino';
import { loadConfig, sectionsNeedingRestart, type Config } from './config';
import { HttpServer, listenAddress } from './api';
import { TokenCheck, TokenService, TokenStore, identifyRequest } from './auth';
import { CameraAdmission, CameraRegistry, CameraRuntime, CameraStore, CapacityController, type CameraServices } from './cameras';
import { ConfigWatcher } from './control';
import { isVigilError } from './errors';
import { EventBus, KafkaSink, WebSocketHub, eventSource } from './events';
import { Gallery, GalleryRefresher, IdentityService, prepareModelChange, reconcileEmbeddingModel } from './gallery';
import { HealthBook } from './health';
import { History, snapshotRetention } from './history';
import { Integrations } from './integrations';
import { SnapshotStore } from './imaging';
import { DetectorPool } from './inference';
import { LiveService } from './live';
import { chooseDecoderBackend, type DecoderBackend } from './ingest';
import { ClusterCameras, ClusterIdentities, ClusterNode, ClusterTokens, clusterSnapshots, feedEvent } from './cluster';
import { hostname } from 'node:os';
import { Metrics, busMetrics, createTracer, historyMetrics, inferenceMetrics, kafkaMetrics, liveMetrics, readiness, websocketMetrics, type Tracer } from './observability';
import { ControlDatabase, tightenDataDir } from './storage';
import { SqliteWebhookStore } from './webhooks';

const VERSION = '0.1.0';

/** The whole graceful stop, shared out among the components in reverse order of start. */
const CLOSE_TIMEOUT_MS = 12_000;

export type AppState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The composition root: builds every component, starts them in order and closes them in reverse
 * (stop taking requests and frames first, flush the sinks last), each within its share of one
 * timeout. It wires stages together and nothing else: no frame, event or request passes through it.
 */
export class App {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics = new Metrics();
  readonly pool: DetectorPool;
  readonly bus: EventBus;
  readonly hub: WebSocketHub;
  readonly kafka: KafkaSink | null;
  /** Webhooks and MQTT (src/webhooks, src/mqtt). */
  readonly integrations: Integrations;
  readonly http: HttpServer;
  readonly auth: TokenCheck;
  readonly snapshots: SnapshotStore;
  /** The stored event history and face search (src/history); null with history.enabled: false. */
  readonly history: History | null;
  /** streams.yaml cameras and API cameras, one registry. */
  readonly registry: CameraRegistry;
  readonly capacity: CapacityController;
  /** Live video viewers (src/live) and each camera's last hour in memory (src/health). */
  readonly live: LiveService;
  readonly health = new HealthBook();
  /** Frame traces; spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  readonly tracer: Tracer;
  /** Cluster mode (VIGIL_CLUSTER=1): this gateway's membership; null on a single gateway. */
  readonly cluster: ClusterNode | null;
  /** Opened at start (they touch the data directory). */
  gallery: Gallery | null = null;
  control: ControlDatabase | null = null;
  cameraStore: CameraStore | null = null;
  tokenStore: TokenStore | null = null;
  #galleryRefresher: GalleryRefresher | null = null;
  #tokens: TokenService;
  #watcher: ConfigWatcher | null = null;
  #state: AppState = 'idle';
  #backend: DecoderBackend | null = null;
  /** Cluster mode: every camera of the cluster, and which gateway runs it (the live view asks). */
  #clusterCameras: ClusterCameras | null = null;

  /** `modelsDir`: another models folder than the project's (tests of a model change). */
  constructor(config: Config, logger: Logger, options: { modelsDir?: string } = {}) {
    this.config = config;
    this.logger = logger;
    const { metrics } = this;
    this.tracer = createTracer({ settings: config.env.tracing, instanceId: config.instanceId, version: VERSION, logger: logger.child({ component: 'tracing' }) });
    const poolMetrics = inferenceMetrics(metrics);
    // Always with the analysis models: enrolment through the API and cameras added at run time need them.
    this.pool = new DetectorPool({
      ...config.inference, ...config.detection, analysis: true, logger: logger.child({ component: 'inference' }), ...poolMetrics,
      ...(options.modelsDir !== undefined && { modelsDir: options.modelsDir }),
      // A hot swap of the embedding model re-embeds the gallery from its crops first (or is refused); the history's index follows.
      onEmbeddingModelChange: (model, embedCrop) => this.#galleryModelChange(model, embedCrop),
      onModelReload: (result) => {
        poolMetrics.onModelReload(result);
        if (result === 'swapped') void this.history?.modelChanged();
      },
    });
    this.snapshots = new SnapshotStore(config.env.dataDir, { jpegQuality: config.snapshots.jpegQuality, ...snapshotRetention(config.snapshots, config.history) });
    this.auth = new TokenCheck(config.env.tokens);
    this.bus = new EventBus(busMetrics(metrics));
    const { maxQueueMessages, maxQueueBytes, heartbeatMs, historyEvents, historyBytes } = config.websocket;
    this.hub = new WebSocketHub({
      limits: { maxQueueMessages, maxQueueBytes },
      heartbeatMs,
      historyEvents,
      historyBytes,
      logger: logger.child({ component: 'websocket' }),
      run: this.bus.run,
      authenticate: (request) => identifyRequest(this.auth, request),
      ...websocketMetrics(metrics),
    });
    const brokers = config.env.kafkaBrokers;
    const saslPassword = config.env.kafkaSaslPassword;
    this.kafka = brokers.length === 0 ? null : new KafkaSink({ ...config.kafka, brokers, saslPassword, topic: config.env.kafkaTopic, dataDir: config.env.dataDir, logger, ...kafkaMetrics(metrics, config.kafka.journal.maxBytes) });
    // --- cluster: the hub is fed from the events topic (every gateway's events), not from this bus.
    this.cluster = config.env.cluster
      ? new ClusterNode({
          instanceId: config.instanceId,
          advertiseUrl: () => config.env.advertiseUrl ?? `http://${config.env.host === '0.0.0.0' ? hostname() : this.http.address.host}:${this.http.address.port}`,
          kafka: { ...config.kafka, brokers, saslPassword },
          settings: config.cluster,
          eventsTopic: config.env.kafkaTopic,
          logger,
          run: this.bus.run,
        })
      : null;
    if (!this.cluster) this.bus.addSink(this.hub);
    // --- end cluster
    // Revoked, lowered or expiring tokens lose their open WebSockets at once, not at the next connect.
    this.auth.onChange((change) => {
      this.hub.tokenChanged(change);
      this.live.tokenChanged(change);
    });
    if (this.kafka) this.bus.addSink(this.kafka);
    this.integrations = new Integrations({ config, logger, metrics, bus: this.bus, version: VERSION, cameras: () => this.registry.list() });
    // --- live video: viewers on /v1/cameras/{id}/live; cameras attach to it when they start.
    this.live = new LiveService({
      limits: config.live,
      heartbeatMs: config.websocket.heartbeatMs,
      logger: logger.child({ component: 'live' }),
      authenticate: (request) => identifyRequest(this.auth, request),
      describeCamera: (id) => this.#describeCamera(id),
      owner: (id) => this.#liveOwner(id),
      ...liveMetrics(metrics),
    });
    // --- end live video
    // --- history: stored events with retention, face search over their appearances (src/history) ---
    this.history = !config.history.enabled ? null : new History({
      config: config.history, dataDir: config.env.dataDir, snapshots: this.snapshots, models: this.pool, logger: logger.child({ component: 'history' }),
      embeddingModel: () => this.pool.loadedModels.embedding ?? null, metrics: historyMetrics(metrics),
    });
    // Like the hub: in cluster mode it is fed from the events topic (every gateway's events, see #joinCluster).
    if (this.history && !this.cluster) this.bus.addSink(this.history.events);
    // --- end history ---

    const services = this.#cameraServices();
    this.registry = new CameraRegistry({
      logger,
      urlRules: { allowLocalFiles: config.gateway.allowLocalFiles, baseDir: config.baseDir },
      snapshotQuality: config.snapshots.jpegQuality,
      ...(services.admission && { admission: services.admission }),
      create: (camera, origin) => new CameraRuntime(camera, origin, services),
      ...(this.cluster && { owns: (id: string) => this.cluster?.owns(id) ?? false, elsewhere: (id: string) => clusterCameras?.elsewhere(id) ?? null }),
    });
    const cluster = this.cluster;
    const clusterCameras = cluster ? new ClusterCameras(this.registry, cluster, config.ingest.hwaccel) : null;
    this.#clusterCameras = clusterCameras;
    const identities = new IdentityService({ gallery: () => this.gallery, pool: this.pool, lastSeen: (id) => this.history?.lastSeen(id) ?? null });
    const tokens = new TokenService(this.auth, () => this.tokenStore);
    const snapshot = (id: string): Buffer => this.snapshots.read(id);
    metrics.setCameraHealthSource(() => this.registry.health());
    const { healthyLagMs, degradeLagMs, dropLagMs, degradeAfterChecks, restoreAfterChecks, rotateLoweredMs } = config.ingest;
    this.capacity = new CapacityController({ runtimes: () => this.registry.runtimes, limits: { healthyLagMs, degradeLagMs, dropLagMs, degradeAfterChecks, restoreAfterChecks, rotateLoweredMs }, logger, metrics });
    this.http = new HttpServer({
      host: () => listenAddress(config.env.host, this.auth.enabled).host,
      port: config.env.port,
      logger,
      metrics,
      hub: this.hub,
      auth: this.auth,
      cameras: clusterCameras ?? this.registry,
      identities: cluster ? new ClusterIdentities(identities, () => this.gallery, cluster) : identities,
      history: this.history,
      tokens: cluster ? new ClusterTokens(tokens, cluster) : tokens,
      webhooks: this.integrations.webhookControl,
      health: this.health,
      liveVideo: this.live,
      readiness: async () => ({
        ...readiness({ poolState: this.pool.state, inference: { ...this.pool.describe() }, dataDir: config.env.dataDir, storeWritable: this.control ? () => this.control?.writable() ?? false : null, galleryOpen: this.gallery !== null, kafka: this.kafka && { state: this.kafka.state, queued: this.kafka.queued, journalBytes: this.kafka.journalBytes, journalFull: this.kafka.journalFull, journalWritable: this.kafka.journalWritable } }),
        ...this.integrations.readiness(),
        ...(this.history && { history: this.history.readiness() }),
        ...(cluster && { cluster: { ready: cluster.state === 'ready', state: cluster.state } }),
      }),
      rateLimit: { perMinute: config.api.rateLimitPerMinute, burst: config.api.rateLimitBurst },
      authFailureLimit: { perMinute: config.api.authFailuresPerMinute, burst: config.api.authFailureBurst },
      maxImageBytes: config.api.maxImageBytes,
      version: VERSION,
      snapshot: cluster ? clusterSnapshots(snapshot, cluster) : snapshot,
    });
    this.#tokens = tokens;
  }

  /** Runtimes of the running cameras. */
  get cameras(): CameraRuntime[] {
    return this.registry.runtimes;
  }

  get state(): AppState {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    const { config, logger } = this;
    const tightened = tightenDataDir(config.env.dataDir);
    if (tightened.length > 0) logger.warn({ dataDir: config.env.dataDir, count: tightened.length, paths: tightened.slice(0, 10) }, 'data directory: tightened looser file modes to 0700 (folders) / 0600 (files)');
    const backend = this.#backend;
    if (backend) this.metrics.setBuildInfo({ version: VERSION, node: process.version, decoder: backend.name, ffmpeg: await backend.ffmpegVersion() });
    this.control = ControlDatabase.open(config.env.dataDir);
    this.cameraStore = new CameraStore(this.control.db);
    this.tokenStore = new TokenStore(this.control.db);
    for (const entry of this.tokenStore.tokens()) this.auth.add(entry);
    this.gallery = Gallery.open(config.env.dataDir, { search: config.recognition.gallerySearch, logger: logger.child({ component: 'gallery-search' }) });
    this.#galleryRefresher = new GalleryRefresher(this.gallery, { intervalMs: config.recognition.galleryPollMs, logger, onSize: (n) => this.metrics.galleryIdentities.set(n) });
    await this.#galleryRefresher.start();
    await this.pool.start();
    // Before anything can search the gallery: its embeddings must be the loaded model's (re-embedded from crops, or refused).
    const model = this.pool.loadedModels.embedding;
    if (model !== undefined) {
      const { adopted, reembedded } = await reconcileEmbeddingModel(this.gallery, model, (crop) => this.pool.embedCrop(crop));
      if (adopted + reembedded > 0) logger.info({ model, adopted, reembedded }, 'gallery embeddings made by the model in use');
    }
    await this.history?.start();
    await this.hub.start();
    await this.live.start();
    await this.kafka?.start();
    await this.integrations.start(new SqliteWebhookStore(this.control.db));
    await this.http.start();
    const { warning } = listenAddress(config.env.host, this.auth.enabled);
    if (warning) logger.warn(config.env.host === '127.0.0.1' ? {} : { requestedHost: config.env.host }, warning);
    if (this.cluster) await this.#joinCluster(this.cluster);
    else await this.registry.start(this.cameraStore, config.cameras);
    await this.capacity.start();
    if (config.api.watchConfig) {
      this.#watcher = new ConfigWatcher(config.env.configPath, () => void this.reloadConfig('file changed'), {
        initialSha256: config.sourceSha256,
        onError: (error) => logger.warn({ err: error.message }, 'streams file watcher failed; watching again shortly (SIGHUP reloads meanwhile)'),
      });
      this.#watcher.start();
    }
    this.#state = 'running';
    const { host, port } = this.http.address;
    logger.info({ host, port, cameras: this.cameras.length, kafka: this.kafka ? config.env.kafkaTopic : 'off' }, `Vigil listening on http://${host}:${port} (events: ws://${host}:${port}/v1/events)`);
  }

  /**
   * Re-reads the streams file and applies its cameras (added, changed, removed; untouched ones keep
   * running). A file that does not validate changes nothing. Other sections need a restart.
   */
  async reloadConfig(why: string): Promise<boolean> {
    if (this.#state !== 'running') return false;
    let next: Config;
    try {
      next = loadConfig({ ...process.env, VIGIL_CONFIG: this.config.env.configPath }, this.config.baseDir);
    } catch (error) {
      this.logger.error({ err: isVigilError(error) ? error.toJSON() : String(error) }, 'streams file reload refused; nothing changed');
      return false;
    }
    const restart = sectionsNeedingRestart(this.config, next);
    if (restart.length > 0) this.logger.warn({ sections: restart }, 'streams file: only camera changes apply while running; other settings need a restart');
    try {
      await this.registry.applyFile(next.cameras);
    } catch (error) {
      this.logger.error({ err: isVigilError(error) ? error.toJSON() : String(error) }, 'streams file reload failed');
      return false;
    }
    this.logger.info({ why, cameras: this.cameras.length }, 'streams file reloaded');
    return true;
  }

  /**
   * Graceful stop in reverse order of start, within `timeoutMs` in all: the HTTP server stops
   * accepting at once; cameras stop (in-flight frames finish, tracks end, their events go out);
   * inference drains; Kafka sends what it can (the rest stays in the journal); subscribers get 1001.
   */
  async close(timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    const deadline = Date.now() + timeoutMs;
    const left = (share: number): number => Math.max(100, Math.min(share, deadline - Date.now()));
    this.#watcher?.close();
    // The HTTP server's close completes only once the WebSocket subscribers (upgraded connections)
    // are gone, which the hub does last, after the cameras' final status events went out.
    const httpClosed = this.http.close(left(timeoutMs)).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'http close failed'));
    await this.capacity.close();
    // Viewers go first: the HTTP server's close waits for every upgraded socket.
    await this.live.close(left(2000));
    await this.registry.close(left(3000));
    // Leaving the group hands this gateway's cameras to the others at once (they are stopped already).
    await this.cluster?.close();
    await this.pool.close(left(5000));
    await this.kafka?.close(left(5000));
    await this.integrations.close(left(5000));
    await this.history?.close(left(5000)).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'history close failed'));
    await this.tracer.close(left(2000));
    await this.hub.close(left(2000));
    await httpClosed;
    await this.#galleryRefresher?.close();
    // The gallery's search worker saves its index file (large galleries) before the database closes.
    await this.gallery?.close(left(10_000)).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'gallery close failed'));
    this.control?.close();
    this.#state = 'stopped';
    this.logger.info('Vigil stopped');
  }

  /** Immediate teardown (crash paths): kills decoders and workers without waiting. */
  destroy(): void {
    this.#watcher?.close();
    this.capacity.destroy();
    this.registry.destroy();
    this.cluster?.destroy();
    this.pool.destroy();
    this.kafka?.destroy();
    this.integrations.destroy();
    this.history?.destroy();
    void this.tracer.close(0);
    this.hub.destroy();
    this.live.destroy();
    this.http.destroy();
    this.#galleryRefresher?.destroy();
    this.gallery?.destroy();
    this.control?.close();
    this.#state = 'stopped';
  }

  async #galleryModelChange(model: string, embedCrop: (crop: Uint8Array) => Promise<Float32Array>): Promise<() => void> {
    const gallery = this.gallery;
    if (!gallery) return () => undefined;
    const { reembedded, commit } = await prepareModelChange(gallery, model, embedCrop);
    this.logger.info({ model, reembedded }, 'gallery re-embedded for the new embedding model; it switches with the model');
    return commit;
  }

  /** Cluster mode: cameras come from the cameras topic and run where the group puts them; state topics feed the local stores. */
  async #joinCluster(cluster: ClusterNode): Promise<void> {
    await this.registry.start(cluster.catalog, this.config.cameras);
    let delivered = 0;
    await cluster.start({
      refreshCameras: () => this.registry.refresh(),
      localViews: () => this.registry.list().map((v) => ({ ...v, gateway: cluster.instanceId })),
      applyIdentity: (id, record) => this.gallery?.applyIdentity(id, record),
      localIdentityIds: () => this.gallery?.identityIds() ?? [],
      applyToken: (id, entry) => this.#tokens.apply(id, entry),
      applyTrack: (trackId, camera, embedding) => {
        this.gallery?.recordTrack(trackId, camera, embedding);
        this.history?.events.noteEmbedding(trackId, embedding);
      },
      deliverEvent: (record) => {
        const published = feedEvent(record, delivered + 1);
        if (!published) return this.logger.warn({ partition: record.partition, offset: record.offset }, 'unreadable record on the events topic skipped');
        delivered += 1;
        this.hub.publish(published);
        this.history?.events.publish(published);
      },
    });
  }

  /** What every camera shares: the detector, recognition's services, the event bus, telemetry. */
  #cameraServices(): CameraServices {
    const { config } = this;
    const { idle } = config.ingest;
    const backend = (this.#backend = chooseDecoderBackend({
      decoder: config.ingest.decoder,
      ffmpegPath: config.env.ffmpegPath,
      native: { motion: { ratio: idle.motionRatio, minBytes: idle.motionMinBytes, warmupPackets: idle.motionWarmupPackets }, maxCatchUpPackets: idle.maxCatchUpPackets, maxCatchUpBytes: idle.maxCatchUpBytes, skipLoopFilter: config.ingest.fastDecode, skipNonReference: config.ingest.skipNonReferenceFrames },
      nice: config.ingest.decoderNice,
      logger: this.logger.child({ component: 'ingest' }),
    }).backend);
    return {
      config,
      backend,
      admission: new CameraAdmission({
        decoder: backend.name,
        ffmpegCredentialsOnCommandLine: config.ingest.ffmpegCredentialsOnCommandLine,
        cameraNetworks: config.gateway.cameraNetworks,
        listener: () => (this.http.state === 'listening' ? this.http.address : null),
      }),
      detector: this.pool,
      recognition: {
        settings: config.recognition,
        embed: (pixels, width, height, faces) => this.pool.embed(pixels, width, height, faces),
        search: async (embedding, k) => (await this.gallery?.search(embedding, k)) ?? [],
        recordTrack: (trackId, camera, embedding, crop) => {
          this.history?.events.noteEmbedding(trackId, embedding);
          const cluster = this.cluster;
          if (!cluster) return this.gallery?.recordTrack(trackId, camera, embedding, crop);
          const value = { camera, embedding: Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength).toString('base64') };
          cluster.publish('tracks', trackId, value).catch((error: unknown) => this.logger.warn({ err: String(error) }, 'track not published to the cluster'));
        },
        liveness: (pixels, width, height, boxes) => this.pool.liveness(pixels, width, height, boxes),
        saveSnapshots: async (frame, box) => {
          const ids = await this.snapshots.save(frame, box);
          return { face: `/v1/snapshots/${ids.face}`, frame: `/v1/snapshots/${ids.frame}` };
        },
      },
      // Cluster mode marks answers given soon after a camera moved here (`data.handover`).
      publisher: this.cluster ? { publish: (draft) => this.bus.publish(this.cluster?.handovers.mark(draft) ?? draft) } : this.bus,
      eventSource: eventSource(config.instanceId),
      metrics: this.metrics,
      logger: this.logger,
      tracer: this.tracer,
      live: this.live,
      health: this.health,
    };
  }

  /** A camera's state for the live view, or null when there is no such camera (in the cluster: on any gateway). */
  #describeCamera(id: string): { state: string; reason: string | null } | null {
    try {
      const view = (this.#clusterCameras ?? this.registry).get(id);
      return { state: view.state, reason: view.stateReason };
    } catch {
      return null;
    }
  }

  /** Cluster mode: the other gateway that runs the camera (the live view sends its viewers there). */
  #liveOwner(id: string): { gateway: string; url: string | null } | null {
    const cluster = this.cluster;
    if (!cluster || !this.#clusterCameras || this.registry.has(id)) return null;
    const gateway = this.#clusterCameras.elsewhere(id)?.gateway;
    if (!gateway || gateway === cluster.instanceId) return null;
    return { gateway, url: cluster.memberUrl(gateway) };
  }
}
