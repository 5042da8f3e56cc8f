import type { Logger } from 'pino';
import type { Config } from './config';
import { HttpServer } from './api';
import { EventBus, KafkaSink, TokenCheck, WebSocketHub, cameraStatusEvent, eventSource, faceDetectedEvent, faceRecognizedEvent, faceTrackEndedEvent, faceUnknownEvent, type FaceIdentityData } from './events';
import { DetectorPool } from './inference';
import { resolveFfmpegPath } from './ingest';
import { Metrics } from './observability';
import { FaceRecognizer, type FrameAnalysis, type TrackOutcome } from './recognition';
import { Gallery, type Identity } from './gallery';
import { SnapshotStore } from './imaging';
import { CameraRuntime, type CameraStatus } from './camera-runtime';

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
  readonly cameras: CameraRuntime[];
  /** Opened at start (it touches the data directory); null when no camera recognises. */
  gallery: Gallery | null = null;
  readonly snapshots: SnapshotStore | null;
  #galleryPoll: NodeJS.Timeout | null = null;
  #state: AppState = 'idle';

  constructor(config: Config, logger: Logger) {
    this.config = config;
    this.logger = logger;
    const { metrics } = this;
    const recognising = config.cameras.some((c) => c.recognition && c.enabled);
    this.pool = new DetectorPool({
      ...config.inference,
      ...config.detection,
      analysis: recognising,
      logger: logger.child({ component: 'inference' }),
      onInference: (ms) => metrics.inferenceSeconds.observe(ms / 1000),
      onModelReload: (result) => metrics.modelReloads.inc({ result }),
    });
    this.snapshots = recognising ? new SnapshotStore(config.env.dataDir, config.snapshots) : null;
    this.bus = new EventBus((sink, event) => metrics.eventsPublished.inc({ sink, type: event.type }));
    const { maxQueueMessages, maxQueueBytes, heartbeatMs, historyEvents, historyBytes } = config.websocket;
    this.hub = new WebSocketHub({
      logger: logger.child({ component: 'websocket' }),
      run: this.bus.run,
      limits: { maxQueueMessages, maxQueueBytes },
      heartbeatMs,
      historyEvents,
      historyBytes,
      auth: new TokenCheck(config.env.tokens),
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
    const detectedOn = new Set(config.cameras.filter((c) => c.detectedEvents).map((c) => c.id));
    const onAnalysis = (analysis: FrameAnalysis): void => {
      metrics.faceDetections.inc({ camera: analysis.camera }, analysis.faces.length);
      if (detectedOn.has(analysis.camera)) this.#publishDetections(source, analysis);
    };
    const ffmpegPath = resolveFfmpegPath(config.env.ffmpegPath);
    const onStatus = (status: CameraStatus): void => {
      const { at, ...data } = status;
      this.bus.publish(cameraStatusEvent(source, at, data));
    };
    this.cameras = config.cameras.map(
      (camera) =>
        new CameraRuntime(camera, {
          config, pool: this.pool, metrics, logger, ffmpegPath, onAnalysis, onStatus,
          ...(camera.recognition && { recognizer: this.#recognizer(camera.id, source) }),
        }),
    );
    metrics.setCameraHealthSource(() => this.cameras.map((camera) => camera.health()));
    this.http = new HttpServer({
      host: config.env.host,
      port: config.env.port,
      logger,
      metrics,
      hub: this.hub,
      cameras: () => this.cameras.map((c) => c.view()),
      ...(this.snapshots && { snapshot: (id: string) => (this.snapshots as SnapshotStore).read(id) }),
    });
  }

  get state(): AppState {
    return this.#state;
  }

  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    if (this.snapshots) {
      this.gallery = Gallery.open(this.config.env.dataDir);
      this.metrics.galleryIdentities.set(this.gallery.size);
      // The CLI edits the gallery while we run (WAL); reload the index when another connection committed.
      this.#galleryPoll = setInterval(() => {
        try {
          if (this.gallery?.refreshIfChanged()) {
            this.metrics.galleryIdentities.set(this.gallery.size);
            this.logger.info({ identities: this.gallery.size }, 'gallery reloaded');
          }
        } catch (error) {
          this.logger.warn({ err: String(error) }, 'gallery refresh failed');
        }
      }, this.config.recognition.galleryPollMs).unref();
    }
    await this.pool.start();
    await this.hub.start();
    await this.kafka?.start();
    await this.http.start();
    for (const camera of this.cameras) await camera.start();
    this.#state = 'running';
    const { host, port } = this.http.address;
    this.logger.info(
      { host, port, cameras: this.cameras.length, kafka: this.kafka ? this.config.env.kafkaTopic : 'off' },
      `Vigil listening on http://${host}:${port} (events: ws://${host}:${port}/v1/events)`,
    );
  }

  /** Graceful stop in reverse order of start; each step bounded in time. */
  async stop(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    // Stop accepting at once, but the HTTP server's close only completes once the WebSocket
    // subscribers (upgraded connections) are gone, which the hub does last, after the cameras'
    // final status events went out.
    const httpClosed = this.http.close().catch((error: unknown) => this.logger.warn({ err: String(error) }, 'http close failed'));
    await Promise.all(this.cameras.map((camera) => camera.close()));
    await this.pool.close();
    await this.kafka?.close();
    await this.hub.close();
    await httpClosed;
    this.#closeGallery();
    this.#state = 'stopped';
    this.logger.info('Vigil stopped');
  }

  /** Immediate teardown (crash paths): kills decoders and workers without waiting. */
  destroy(): void {
    for (const camera of this.cameras) camera.destroy();
    this.pool.destroy();
    this.kafka?.destroy();
    this.hub.destroy();
    this.http.destroy();
    this.#closeGallery();
    this.#state = 'stopped';
  }

  #closeGallery(): void {
    if (this.#galleryPoll) clearInterval(this.#galleryPoll);
    this.#galleryPoll = null;
    this.gallery?.close();
  }

  #recognizer(camera: string, source: string): FaceRecognizer {
    const { metrics } = this;
    const snapshotUrl = (id: string): string => `/v1/snapshots/${id}`;
    return new FaceRecognizer({
      camera,
      settings: this.config.recognition,
      embed: (pixels, width, height, faces) => this.pool.embed(pixels, width, height, faces),
      search: (embedding, k) => this.gallery?.search(embedding, k) ?? [],
      recordTrack: (trackId, cam, embedding) => this.gallery?.recordTrack(trackId, cam, embedding),
      saveSnapshots: async (frame, box) => {
        const ids = await (this.snapshots as SnapshotStore).save(frame, box);
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
