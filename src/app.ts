import type { Logger } from 'pino';
import { loadConfig, type CameraConfig, type Config } from './config';
import { HttpServer } from './api';
import { ConfigWatcher, ControlStore, IdentityService, TokenService, readiness } from './control';
import { isVigilError } from './errors';
import { EventBus, KafkaSink, TokenCheck, WebSocketHub, cameraStatusEvent, eventSource, faceDetectedEvent, faceRecognizedEvent, faceTrackEndedEvent, faceUnknownEvent, type FaceIdentityData } from './events';
import { DetectorPool } from './inference';
import { resolveFfmpegPath } from './ingest';
import { Metrics } from './observability';
import { FaceRecognizer, type FrameAnalysis, type TrackOutcome } from './recognition';
import { Gallery, type Identity } from './gallery';
import { SnapshotStore } from './imaging';
import { CameraRuntime, type CameraStatus } from './camera-runtime';
import { CameraRegistry } from './camera-registry';

const VERSION = '0.1.0';

export type AppState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The composition root: builds every component in order, starts them in order and stops them in
 * reverse (stop taking requests and frames first, flush the sinks last). Nothing else wires
 * stages together.
 */
export class App {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics = new Metrics();
  readonly pool: DetectorPool;
  readonly hub: WebSocketHub;
  readonly kafka: KafkaSink | null;
  readonly http: HttpServer;
  readonly bus: EventBus;
  /** streams.yaml cameras and API cameras, one registry. */
  readonly registry: CameraRegistry;
  readonly auth: TokenCheck;
  /** Opened at start (they touch the data directory). */
  gallery: Gallery | null = null;
  store: ControlStore | null = null;
  readonly snapshots: SnapshotStore;
  #galleryPoll: NodeJS.Timeout | null = null;
  #watcher: ConfigWatcher | null = null;
  #fileCameras: readonly CameraConfig[];
  #state: AppState = 'idle';

  constructor(config: Config, logger: Logger) {
    this.config = config;
    this.logger = logger;
    const { metrics } = this;
    this.#fileCameras = config.cameras;
    this.pool = new DetectorPool({
      ...config.inference,
      ...config.detection,
      // Always: enrolment through the API and cameras added at run time need the face models.
      analysis: true,
      logger: logger.child({ component: 'inference' }),
      onInference: (ms) => metrics.inferenceSeconds.observe(ms / 1000),
      onModelReload: (result) => metrics.modelReloads.inc({ result }),
    });
    this.snapshots = new SnapshotStore(config.env.dataDir, config.snapshots);
    this.auth = new TokenCheck(config.env.tokens);
    this.bus = new EventBus((sink, event) => metrics.eventsPublished.inc({ sink, type: event.type }));
    const { maxQueueMessages, maxQueueBytes, heartbeatMs, historyEvents, historyBytes } = config.websocket;
    this.hub = new WebSocketHub({
      logger: logger.child({ component: 'websocket' }),
      run: this.bus.run,
      limits: { maxQueueMessages, maxQueueBytes },
      heartbeatMs,
      historyEvents,
      historyBytes,
      auth: this.auth,
      onClientCount: (count) => metrics.websocketClients.set(count),
      onDisconnect: (reason) => {
        metrics.websocketDisconnects.inc({ reason });
        if (reason === 'slow_consumer') metrics.eventsFailed.inc({ sink: 'websocket', reason });
      },
    });
    this.kafka =
      config.env.kafkaBrokers.length === 0
        ? null
        : new KafkaSink({
            ...config.kafka,
            brokers: config.env.kafkaBrokers,
            topic: config.env.kafkaTopic,
            dataDir: config.env.dataDir,
            logger,
            onDropped: (reason, count) => metrics.eventsFailed.inc({ sink: 'kafka', reason }, count),
            onJournaled: () => metrics.kafkaJournaled.inc(),
            onSendFailed: () => metrics.kafkaSendFailures.inc(),
            onDelivered: (acceptedAt) => {
              const now = Date.now();
              metrics.kafkaDelivered.inc(acceptedAt.length);
              for (const at of acceptedAt) metrics.kafkaDeliverySeconds.observe((now - at) / 1000);
            },
            onJournal: (pending, bytes, full) => {
              metrics.kafkaQueued.set(pending);
              metrics.kafkaJournalBytes.set(bytes);
              metrics.kafkaJournalFull.set(full ? 1 : 0);
            },
          });
    this.bus.addSink(this.hub);
    if (this.kafka) this.bus.addSink(this.kafka);

    const source = eventSource(config.instanceId);
    const onAnalysis = (analysis: FrameAnalysis): void => {
      metrics.faceDetections.inc({ camera: analysis.camera }, analysis.faces.length);
      if (this.registry.configOf(analysis.camera)?.detectedEvents) this.#publishDetections(source, analysis);
    };
    const ffmpegPath = resolveFfmpegPath(config.env.ffmpegPath);
    const onStatus = (status: CameraStatus): void => {
      const { at, ...data } = status;
      this.bus.publish(cameraStatusEvent(source, at, data));
    };
    this.registry = new CameraRegistry({
      logger,
      urlRules: { allowLocalFiles: config.gateway.allowLocalFiles, baseDir: config.baseDir },
      snapshotQuality: config.snapshots.jpegQuality,
      create: (camera, origin) =>
        new CameraRuntime(camera, {
          config, pool: this.pool, metrics, logger, ffmpegPath, onAnalysis, onStatus, origin,
          ...(camera.recognition && { recognizer: this.#recognizer(camera.id, source) }),
        }),
    });
    metrics.setCameraHealthSource(() => this.registry.health());
    this.http = new HttpServer({
      // Without any token the API is open, so it is reachable from this machine only.
      host: () => (this.auth.enabled ? config.env.host : '127.0.0.1'),
      port: config.env.port,
      logger,
      metrics,
      hub: this.hub,
      auth: this.auth,
      cameras: () => this.registry.views(),
      cameraControl: this.registry,
      identities: new IdentityService({ gallery: () => this.gallery, pool: this.pool }),
      tokens: new TokenService(this.auth, () => this.store),
      readiness: async () =>
        readiness({ poolState: this.pool.state, dataDir: config.env.dataDir, store: this.store, galleryOpen: this.gallery !== null, kafkaState: this.kafka?.state ?? null }),
      rateLimit: { perMinute: config.api.rateLimitPerMinute, burst: config.api.rateLimitBurst },
      maxImageBytes: config.api.maxImageBytes,
      version: VERSION,
      snapshot: (id: string) => this.snapshots.read(id),
    });
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
    this.store = ControlStore.open(this.config.env.dataDir);
    for (const entry of this.store.tokens()) this.auth.add(entry);
    this.#openGallery();
    await this.pool.start();
    await this.hub.start();
    await this.kafka?.start();
    await this.http.start();
    if (!this.auth.enabled && this.config.env.host !== '127.0.0.1') {
      this.logger.warn({ requestedHost: this.config.env.host }, 'no access token configured (VIGIL_TOKENS, VIGIL_TOKENS_FILE): the API is open, so it listens on 127.0.0.1 only; VIGIL_HOST is ignored until a token exists');
    } else if (!this.auth.enabled) {
      this.logger.warn('no access token configured: the API is open to anyone on this machine (listening on 127.0.0.1 only)');
    }
    await this.registry.start(this.store, this.#fileCameras);
    if (this.config.api.watchConfig) {
      this.#watcher = new ConfigWatcher(this.config.env.configPath, () => void this.reloadConfig('file changed'));
      this.#watcher.start();
    }
    this.#state = 'running';
    const { host, port } = this.http.address;
    this.logger.info(
      { host, port, cameras: this.cameras.length, kafka: this.kafka ? this.config.env.kafkaTopic : 'off' },
      `Vigil listening on http://${host}:${port} (events: ws://${host}:${port}/v1/events)`,
    );
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
    const { cameras: nextCameras, ...nextRest } = next;
    const { cameras: _current, ...currentRest } = this.config;
    if (JSON.stringify({ ...nextRest, env: null }) !== JSON.stringify({ ...currentRest, env: null })) {
      this.logger.warn('streams file: only camera changes apply while running; other settings need a restart');
    }
    this.#fileCameras = nextCameras;
    try {
      await this.registry.applyFile(nextCameras);
    } catch (error) {
      this.logger.error({ err: isVigilError(error) ? error.toJSON() : String(error) }, 'streams file reload failed');
      return false;
    }
    this.logger.info({ why, cameras: this.registry.runtimes.length }, 'streams file reloaded');
    return true;
  }

  /** Graceful stop in reverse order of start; each step bounded in time. */
  async stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    this.#watcher?.close();
    // Stop accepting at once, but the HTTP server's close only completes once the WebSocket
    // subscribers (upgraded connections) are gone, which the hub does last, after the cameras'
    // final status events went out.
    const httpClosed = this.http.close().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'http close failed'));
    // Ingest stops, then in-flight inference finishes (the analysers wait for their frame), then the sinks flush.
    await this.registry.close();
    await this.pool.close();
    await this.kafka?.close();
    await this.hub.close();
    await httpClosed;
    // The gallery's search worker saves its index file (large galleries) before the database closes.
    await this.gallery?.close().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'gallery close failed'));
    this.#closeGallery();
    this.#state = 'stopped';
    this.logger.info('Vigil stopped');
  }

  /** Immediate teardown (crash paths): kills decoders and workers without waiting. */
  destroy(): void {
    this.#watcher?.close();
    this.registry.destroy();
    this.pool.destroy();
    this.kafka?.destroy();
    this.hub.destroy();
    this.http.destroy();
    this.#closeGallery();
    this.#state = 'stopped';
  }

  #openGallery(): void {
    const gallery = Gallery.open(this.config.env.dataDir, { search: this.config.recognition.gallerySearch, logger: this.logger.child({ component: 'gallery-search' }) });
    this.gallery = gallery;
    this.metrics.galleryIdentities.set(gallery.size);
    // The CLI edits the gallery while we run (WAL); reload the index when another connection committed.
    this.#galleryPoll = setInterval(() => {
      try {
        if (gallery.refreshIfChanged()) {
          this.metrics.galleryIdentities.set(gallery.size);
          this.logger.info({ identities: gallery.size }, 'gallery reloaded');
        }
      } catch (error) {
        this.logger.warn({ err: String(error) }, 'gallery refresh failed');
      }
    }, this.config.recognition.galleryPollMs).unref();
  }

  #closeGallery(): void {
    if (this.#galleryPoll) clearInterval(this.#galleryPoll);
    this.#galleryPoll = null;
    this.gallery?.destroy();
    this.store?.close();
  }

  #recognizer(camera: string, source: string): FaceRecognizer {
    const { metrics } = this;
    const snapshotUrl = (id: string): string => `/v1/snapshots/${id}`;
    return new FaceRecognizer({
      camera,
      settings: this.config.recognition,
      embed: (pixels, width, height, faces) => this.pool.embed(pixels, width, height, faces),
      search: async (embedding, k) => (await this.gallery?.search(embedding, k)) ?? [],
      recordTrack: (trackId, cam, embedding) => this.gallery?.recordTrack(trackId, cam, embedding),
      saveSnapshots: async (frame, box) => {
        const ids = await this.snapshots.save(frame, box);
        return { face: snapshotUrl(ids.face), frame: snapshotUrl(ids.frame) };
      },
      onOutcome: (outcome) => this.#publishOutcome(source, outcome),
      onEmbeddings: (count, ms) => {
        metrics.faceEmbeddings.inc({ camera }, count);
        metrics.embeddingSeconds.observe(ms / 1000);
      },
      onTrackStarted: () => metrics.faceTracks.inc({ camera }),
      onError: (error) => this.logger.warn({ camera, err: String(error) }, 'recognition step failed'),
    });
  }

  #publishOutcome(source: string, outcome: TrackOutcome): void {
    const identity = (i: Identity): FaceIdentityData => ({ id: i.id, name: i.name, externalId: i.externalId });
    if (outcome.kind === 'ended') {
      this.bus.publish(
        faceTrackEndedEvent(source, outcome.lastSeen, {
          camera: outcome.camera, trackId: outcome.trackId,
          firstSeen: new Date(outcome.firstSeen).toISOString(), lastSeen: new Date(outcome.lastSeen).toISOString(),
          durationMs: outcome.lastSeen - outcome.firstSeen, frames: outcome.frames, embeddings: outcome.embeddings,
          identity: outcome.identity ? identity(outcome.identity) : null, best: outcome.best,
        }),
      );
      return;
    }
    const data = { camera: outcome.camera, trackId: outcome.trackId, similarity: outcome.similarity, firstSeen: new Date(outcome.firstSeen).toISOString(), ...outcome.best };
    this.metrics.recognitions.inc({ camera: outcome.camera, result: outcome.kind });
    if (outcome.kind === 'recognized') {
      this.metrics.recognitionLatencySeconds.observe((Date.now() - outcome.firstSeen) / 1000);
      this.bus.publish(faceRecognizedEvent(source, outcome.decidedAt, { ...data, identity: identity(outcome.identity) }));
    } else {
      this.bus.publish(faceUnknownEvent(source, outcome.decidedAt, data));
    }
  }

  #publishDetections(source: string, analysis: FrameAnalysis): void {
    if (analysis.faces.length === 0) return;
    const event = faceDetectedEvent(source, analysis.capturedAt, {
      camera: analysis.camera,
      frameSeq: analysis.seq,
      frame: { width: analysis.width, height: analysis.height },
      faces: analysis.faces,
    });
    this.bus.publish(event);
    this.metrics.frameToEventSeconds.observe((Date.now() - analysis.capturedAt) / 1000);
  }
}
