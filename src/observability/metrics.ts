import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What forgetCamera needs of a prom-client metric (labelNames is public on every metric type, untyped). */
interface LabelledMetric {
  readonly labelNames?: readonly string[];
  get(): Promise<{ values: readonly { labels: Record<string, string | number | undefined> }[] }>;
  remove(labels: Record<string, string | number>): void;
}

/** One camera's sliding-hour figures, read at scrape time. */
export interface CameraHealth {
  readonly camera: string;
  readonly reconnectsLastHour: number;
  readonly stallsLastHour: number;
}

/** `vigil_build_info`'s labels: what runs. */
export interface BuildInfo {
  readonly version: string;
  readonly node: string;
  /** The decoder backend: native or ffmpeg. */
  readonly decoder: string;
  /** FFmpeg's version as the decoders use it (the native libraries', or the probed ffmpeg command's). */
  readonly ffmpeg: string;
}

/**
 * The timer behind nodejs_eventloop_lag_*: Node's monitorEventLoopDelay records the time between
 * its ticks, so an idle loop reads this many ms (a 15 ms block reads about 25 ms). The delay beyond
 * it is what a task waited.
 */
export const EVENT_LOOP_SAMPLE_MS = 10;

/**
 * Every Prometheus metric Vigil exports: its own prefixed `vigil_` (counters end in `_total`,
 * durations in `_seconds`), and Node.js's standard process and runtime metrics under their stock
 * names (`process_*`, `nodejs_*`), so stock Node.js dashboards work. The one door to prom-client.
 * Labels carry camera ids (a safe alphabet by schema), never URLs.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly framesDecoded: Counter<'camera'>;
  readonly framesAnalyzed: Counter<'camera'>;
  readonly framesDropped: Counter<'camera' | 'reason'>;
  readonly inferenceSeconds: Histogram;
  readonly inferenceBatchSize: Histogram<'lane'>;
  readonly inferenceStageSeconds: Histogram<'lane' | 'stage'>;
  readonly inferenceQueueSeconds: Histogram<'lane'>;
  readonly inferenceProvider: Gauge<'provider' | 'requested'>;
  readonly frameToEventSeconds: Histogram<'type'>;
  readonly eventsPublished: Counter<'sink' | 'type'>;
  readonly eventsFailed: Counter<'sink' | 'reason'>;
  readonly cameraState: Gauge<'camera' | 'state'>;
  readonly cameraRestarts: Counter<'camera'>;
  readonly websocketClients: Gauge;
  readonly cameraStateChanges: Counter<'camera' | 'state'>;
  readonly cameraStalls: Counter<'camera'>;
  readonly cameraReconnectsLastHour: Gauge<'camera'>;
  readonly cameraStallsLastHour: Gauge<'camera'>;
  readonly cameraDecodeMode: Gauge<'camera' | 'mode'>;
  readonly cameraIdle: Gauge<'camera'>;
  readonly cameraWorkChanges: Counter<'camera' | 'to'>;
  readonly cameraWakeCatchUpSeconds: Histogram;
  readonly capacityLagSeconds: Gauge;
  readonly analysisLagSeconds: Histogram<'camera'>;
  readonly cameraWakeSeconds: Histogram<'camera'>;
  readonly cameraDecodeCpuSeconds: Counter<'camera'>;
  readonly frameAgeAtAnalysisSeconds: Histogram<'camera'>;
  #cameraHealth: () => readonly CameraHealth[] = () => [];
  /** Each camera's one vigil_camera_hwaccel series, so a change (or a restarted camera) replaces it. */
  readonly #hwaccelSeries = new Map<string, { requested: string; active: string }>();
  readonly websocketDisconnects: Counter<'reason'>;
  readonly kafkaQueued: Gauge;
  readonly kafkaJournaled: Counter;
  readonly kafkaDelivered: Counter;
  readonly kafkaSendFailures: Counter;
  readonly kafkaDeliverySeconds: Histogram;
  readonly kafkaJournalBytes: Gauge;
  readonly kafkaJournalFull: Gauge;
  readonly kafkaJournalMaxBytes: Gauge;
  readonly faceDetections: Counter<'camera'>;
  readonly faceEmbeddings: Counter<'camera'>;
  readonly embeddingSeconds: Histogram;
  readonly faceTracks: Counter<'camera'>;
  readonly recognitions: Counter<'camera' | 'result'>;
  readonly recognitionLatencySeconds: Histogram;
  readonly modelReloads: Counter<'result'>;
  readonly galleryIdentities: Gauge;
  readonly webhookDeliveries: Counter<'webhook' | 'result'>;
  readonly webhookParked: Counter<'webhook'>;
  readonly webhookDeliverySeconds: Histogram<'webhook'>;
  readonly webhookQueued: Gauge<'webhook'>;
  readonly webhookJournalBytes: Gauge<'webhook'>;
  readonly mqttDelivered: Counter;
  readonly mqttDeliverySeconds: Histogram;
  readonly mqttQueued: Gauge;
  readonly mqttJournalBytes: Gauge;
  readonly mqttConnected: Gauge;
  readonly mqttConnectFailures: Counter;
  readonly liveViewers: Gauge<'camera'>;
  readonly liveBytesSent: Counter<'camera'>;
  readonly liveSegmentsDropped: Counter<'camera' | 'reason'>;
  readonly liveViewersRefused: Counter<'reason'>;
  readonly historyEvents: Gauge;
  readonly historyBytes: Gauge<'kind'>;
  readonly historyWritten: Counter;
  readonly historyDeleted: Counter<'reason'>;
  readonly historyWriteSeconds: Histogram;
  readonly faceSearchSeconds: Histogram;
  readonly authFailures: Counter<'result'>;
  readonly buildInfo: Gauge<keyof BuildInfo>;
  readonly cameraHwaccel: Gauge<'camera' | 'requested' | 'active'>;
  readonly cameraHwaccelFallbacks: Counter<'camera' | 'requested'>;

  constructor() {
    const registers = [this.registry];
    // Unprefixed: process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ... as every Node.js dashboard expects.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.framesDecoded = new Counter({ name: 'vigil_frames_decoded_total', help: 'Frames decoded from each camera', labelNames: ['camera'], registers });
    this.framesAnalyzed = new Counter({ name: 'vigil_frames_analyzed_total', help: 'Frames run through the face detector', labelNames: ['camera'], registers });
    this.framesDropped = new Counter({
      name: 'vigil_frames_dropped_total',
      help: 'Frames decoded but never analysed, by reason',
      labelNames: ['camera', 'reason'],
      registers,
    });
    this.inferenceSeconds = new Histogram({
      name: 'vigil_inference_duration_seconds',
      help: "Time a worker spends per frame: its share of its batch's time (preprocess, detector, postprocess, analysis)",
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.inferenceBatchSize = new Histogram({
      name: 'vigil_inference_batch_size',
      help: 'Images per model batch: frames and tiles (lane detect) or faces (lanes embed and liveness)',
      labelNames: ['lane'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.inferenceStageSeconds = new Histogram({
      name: 'vigil_inference_stage_seconds',
      help: "A batch's worker time per image, by stage: preprocess, gate_wait (accelerator permit), model, decode, analysis",
      labelNames: ['lane', 'stage'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2],
      registers,
    });
    this.inferenceQueueSeconds = new Histogram({
      name: 'vigil_inference_queue_seconds',
      help: 'Longest time a frame of each batch waited in the queue for a worker',
      labelNames: ['lane'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.inferenceProvider = new Gauge({
      name: 'vigil_inference_execution_provider',
      help: '1 for the execution provider the models run on (provider), with the one configured (requested)',
      labelNames: ['provider', 'requested'],
      registers,
    });
    this.frameToEventSeconds = new Histogram({
      name: 'vigil_frame_to_event_seconds',
      help: 'From a frame being read off the decoder to an event about it being published, by event type (vigil.face.detected per frame; vigil.face.recognized and vigil.face.unknown from the frame that settled the answer)',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.12, 0.15, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.eventsPublished = new Counter({ name: 'vigil_events_published_total', help: 'Events handed to each sink', labelNames: ['sink', 'type'], registers });
    this.eventsFailed = new Counter({ name: 'vigil_events_failed_total', help: 'Events a sink could not deliver, by reason', labelNames: ['sink', 'reason'], registers });
    this.cameraState = new Gauge({ name: 'vigil_camera_state', help: '1 for the state each camera is in, 0 for the others', labelNames: ['camera', 'state'], registers });
    this.cameraRestarts = new Counter({ name: 'vigil_camera_restarts_total', help: 'Decoder restarts after an exit', labelNames: ['camera'], registers });
    this.websocketClients = new Gauge({ name: 'vigil_websocket_clients', help: 'Connected WebSocket event subscribers', registers });
    this.cameraStateChanges = new Counter({ name: 'vigil_camera_state_changes_total', help: 'Camera state changes, by the state entered', labelNames: ['camera', 'state'], registers });
    this.cameraStalls = new Counter({ name: 'vigil_camera_stalls_total', help: 'Times the stall watchdog found no frame in time', labelNames: ['camera'], registers });
    // Sliding-hour figures are read from the cameras at scrape time.
    const health = (): readonly CameraHealth[] => this.#cameraHealth();
    this.cameraReconnectsLastHour = new Gauge({
      name: 'vigil_camera_reconnects_last_hour',
      help: 'Reconnects scheduled over the last hour',
      labelNames: ['camera'],
      registers,
      collect() {
        for (const c of health()) this.set({ camera: c.camera }, c.reconnectsLastHour);
      },
    });
    this.cameraStallsLastHour = new Gauge({
      name: 'vigil_camera_stalls_last_hour',
      help: 'Stalls over the last hour',
      labelNames: ['camera'],
      registers,
      collect() {
        for (const c of health()) this.set({ camera: c.camera }, c.stallsLastHour);
      },
    });
    this.cameraDecodeMode = new Gauge({ name: 'vigil_camera_decode_mode', help: '1 for the decode mode each camera is in (full, keyframes, half-fps)', labelNames: ['camera', 'mode'], registers });
    this.cameraIdle = new Gauge({ name: 'vigil_camera_idle', help: '1 while a camera is idle (no face or motion for ingest.idle.afterMs): key frames only', labelNames: ['camera'], registers });
    this.cameraWorkChanges = new Counter({
      name: 'vigil_camera_work_changes_total',
      help: 'Decode work changes without a reconnect, by what the camera went to (full, half-fps, keyframes, idle)',
      labelNames: ['camera', 'to'],
      registers,
    });
    this.cameraWakeCatchUpSeconds = new Histogram({
      name: 'vigil_camera_wake_catch_up_seconds',
      help: 'Decoding the packets since the last key frame when an idle camera wakes on motion',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.analysisLagSeconds = new Histogram({
      name: 'vigil_analysis_lag_seconds',
      help: 'From the newest frame waiting when a camera asked for a worker leaving the decoder, to that analysis being done: how long cameras wait for their turn (what the capacity controller watches)',
      labelNames: ['camera'],
      buckets: [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.5, 3, 10],
      registers,
    });
    this.cameraWakeSeconds = new Histogram({
      name: 'vigil_camera_wake_seconds',
      help: 'From the packet that woke an idle camera (motion) arriving to the first frame after it analysed',
      labelNames: ['camera'],
      buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
      registers,
    });
    this.cameraDecodeCpuSeconds = new Counter({ name: 'vigil_camera_decode_cpu_seconds_total', help: "CPU time of each camera's decoder process", labelNames: ['camera'], registers });
    this.capacityLagSeconds = new Gauge({ name: 'vigil_capacity_analysis_lag_seconds', help: "The capacity controller's measure: 90th percentile analysis lag over the active cameras at its last check", registers });
    this.frameAgeAtAnalysisSeconds = new Histogram({
      name: 'vigil_frame_age_at_analysis_seconds',
      help: 'Age of a frame (since it was read off the decoder) when a worker takes it for analysis',
      labelNames: ['camera'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    this.websocketDisconnects = new Counter({
      name: 'vigil_websocket_disconnects_total',
      help: 'Subscribers disconnected by the gateway: slow_consumer (close 4008) or heartbeat (no pong)',
      labelNames: ['reason'],
      registers,
    });
    this.kafkaQueued = new Gauge({ name: 'vigil_kafka_queued_events', help: 'Events accepted for Kafka and not yet acknowledged (all in the journal)', registers });
    this.kafkaJournaled = new Counter({ name: 'vigil_kafka_journaled_total', help: 'Events written to the Kafka journal', registers });
    this.kafkaDelivered = new Counter({ name: 'vigil_kafka_delivered_total', help: 'Events acknowledged by Kafka', registers });
    this.kafkaSendFailures = new Counter({ name: 'vigil_kafka_send_failures_total', help: 'Produce attempts that failed (the batch stays in the journal and is retried)', registers });
    this.kafkaDeliverySeconds = new Histogram({
      name: 'vigil_kafka_delivery_seconds',
      help: 'From an event being accepted to Kafka acknowledging it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
      registers,
    });
    this.kafkaJournalBytes = new Gauge({ name: 'vigil_kafka_journal_bytes', help: 'Bytes of the Kafka journal segment files', registers });
    this.kafkaJournalMaxBytes = new Gauge({ name: 'vigil_kafka_journal_max_bytes', help: 'The bound on the Kafka journal (kafka.journal.maxBytes): vigil_kafka_journal_bytes over it is how full it is', registers });
    this.kafkaJournalFull = new Gauge({ name: 'vigil_kafka_journal_full', help: '1 while the Kafka journal is full and its whenFull policy loses events', registers });
    this.faceDetections = new Counter({ name: 'vigil_face_detections_total', help: 'Faces found by the detector', labelNames: ['camera'], registers });
    this.faceEmbeddings = new Counter({ name: 'vigil_face_embeddings_total', help: 'Face embeddings computed (per track, on better views only)', labelNames: ['camera'], registers });
    this.embeddingSeconds = new Histogram({
      name: 'vigil_embedding_duration_seconds',
      help: 'Time a worker spends on one embedding task (alignment and the embedding model)',
      buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.faceTracks = new Counter({ name: 'vigil_face_tracks_total', help: 'Face tracks started', labelNames: ['camera'], registers });
    this.recognitions = new Counter({ name: 'vigil_recognitions_total', help: 'Track answers reported, by result (recognized, unknown)', labelNames: ['camera', 'result'], registers });
    this.recognitionLatencySeconds = new Histogram({
      name: 'vigil_recognition_latency_seconds',
      help: "From a track's first frame to its recognized event",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    });
    this.modelReloads = new Counter({ name: 'vigil_model_reloads_total', help: 'Model hot-swap attempts, by result (swapped, refused, unchanged)', labelNames: ['result'], registers });
    this.galleryIdentities = new Gauge({ name: 'vigil_gallery_identities', help: 'Identities in the in-memory gallery index', registers });
    const deliveryBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600, 3600];
    this.webhookDeliveries = new Counter({ name: 'vigil_webhook_deliveries_total', help: 'Webhook HTTP attempts, by result (delivered, retry, parked)', labelNames: ['webhook', 'result'], registers });
    this.webhookParked = new Counter({ name: 'vigil_webhook_parked_total', help: 'Events a webhook receiver refused (4xx other than 408/429, or a redirect): parked, not retried', labelNames: ['webhook'], registers });
    this.webhookDeliverySeconds = new Histogram({ name: 'vigil_webhook_delivery_seconds', help: 'From an event being accepted to its webhook receiver answering 2xx', labelNames: ['webhook'], buckets: deliveryBuckets, registers });
    this.webhookQueued = new Gauge({ name: 'vigil_webhook_queued_events', help: 'Events accepted for a webhook and not yet delivered or parked (all in its journal)', labelNames: ['webhook'], registers });
    this.webhookJournalBytes = new Gauge({ name: 'vigil_webhook_journal_bytes', help: "Bytes of a webhook journal's segment files", labelNames: ['webhook'], registers });
    this.mqttDelivered = new Counter({ name: 'vigil_mqtt_delivered_total', help: 'Events the MQTT broker acknowledged (PUBACK, QoS 1)', registers });
    this.mqttDeliverySeconds = new Histogram({ name: 'vigil_mqtt_delivery_seconds', help: 'From an event being accepted to the MQTT broker acknowledging it', buckets: deliveryBuckets, registers });
    this.mqttQueued = new Gauge({ name: 'vigil_mqtt_queued_events', help: 'Events accepted for MQTT and not yet acknowledged (all in the journal)', registers });
    this.mqttJournalBytes = new Gauge({ name: 'vigil_mqtt_journal_bytes', help: 'Bytes of the MQTT journal segment files', registers });
    this.mqttConnected = new Gauge({ name: 'vigil_mqtt_connected', help: '1 while connected to the MQTT broker', registers });
    this.mqttConnectFailures = new Counter({ name: 'vigil_mqtt_connect_failures_total', help: 'Connection attempts to the MQTT broker that failed (retried with backoff)', registers });
    this.liveViewers = new Gauge({ name: 'vigil_live_viewers', help: 'Live video viewers watching each camera', labelNames: ['camera'], registers });
    this.liveBytesSent = new Counter({ name: 'vigil_live_bytes_sent_total', help: 'Live video bytes written to viewers (fMP4 and its 17-byte headers)', labelNames: ['camera'], registers });
    this.liveSegmentsDropped = new Counter({ name: 'vigil_live_segments_dropped_total', help: 'Live video segments left out: slow_viewer (per viewer, until a key frame), decoder_backlog (gaps the decoder reported)', labelNames: ['camera', 'reason'], registers });
    this.liveViewersRefused = new Counter({ name: 'vigil_live_viewers_refused_total', help: 'Live video viewers refused: not_found, elsewhere (cluster: another gateway runs the camera), camera_limit, total_limit', labelNames: ['reason'], registers });
    this.historyEvents = new Gauge({ name: 'vigil_history_events', help: 'Events in the stored history', registers });
    this.historyBytes = new Gauge({ name: 'vigil_history_bytes', help: 'Bytes of the stored history: database pages in use, snapshot files its events reference', labelNames: ['kind'], registers });
    this.historyWritten = new Counter({ name: 'vigil_history_written_total', help: 'Events written to the stored history', registers });
    this.historyDeleted = new Counter({ name: 'vigil_history_deleted_total', help: 'Events deleted by history retention, by reason (age, size)', labelNames: ['reason'], registers });
    this.historyWriteSeconds = new Histogram({ name: 'vigil_history_write_seconds', help: 'One batch of events written to the history (one transaction)', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers });
    this.faceSearchSeconds = new Histogram({ name: 'vigil_face_search_seconds', help: 'Search by face over stored appearances, in the search worker', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.authFailures = new Counter({
      name: 'vigil_auth_failures_total',
      help: 'Wrong tokens presented (result=refused, 401) and requests refused because their address presented too many (result=throttled, 429)',
      labelNames: ['result'],
      registers,
    });
    this.buildInfo = new Gauge({ name: 'vigil_build_info', help: 'Always 1; the labels say which Vigil, Node.js and FFmpeg run', labelNames: ['version', 'node', 'decoder', 'ffmpeg'], registers });
    this.cameraHwaccel = new Gauge({
      name: 'vigil_camera_hwaccel',
      help: "1 for each camera's hardware decoding: what was asked (requested) and what the decoder uses (active; none = software)",
      labelNames: ['camera', 'requested', 'active'],
      registers,
    });
    this.cameraHwaccelFallbacks = new Counter({
      name: 'vigil_camera_hwaccel_fallbacks_total',
      help: 'Decoder starts that decoded in software although hardware decoding was asked for (device absent or unusable; the reason is logged and in GET /v1/cameras)',
      labelNames: ['camera', 'requested'],
      registers,
    });
  }

  setBuildInfo(info: BuildInfo): void {
    this.buildInfo.reset();
    this.buildInfo.set({ ...info }, 1);
  }

  /** Where the sliding-hour camera gauges read from at scrape time. */
  setCameraHealthSource(source: () => readonly CameraHealth[]): void {
    this.#cameraHealth = source;
  }

  setCameraMode(camera: string, mode: string, allModes: readonly string[]): void {
    for (const m of allModes) this.cameraDecodeMode.set({ camera, mode: m }, m === mode ? 1 : 0);
  }

  /** A camera's hardware decoding now: its one `vigil_camera_hwaccel` series, replacing the previous. */
  setCameraHwaccel(camera: string, requested: string, active: string): void {
    const before = this.#hwaccelSeries.get(camera);
    if (before && (before.requested !== requested || before.active !== active)) this.cameraHwaccel.remove({ camera, ...before });
    this.#hwaccelSeries.set(camera, { requested, active });
    this.cameraHwaccel.set({ camera, requested, active }, 1);
  }

  setCameraState(camera: string, state: string, allStates: readonly string[]): void {
    for (const s of allStates) this.cameraState.set({ camera, state: s }, s === state ? 1 : 0);
  }

  /**
   * A camera was removed: every series labelled with it goes, so dashboards and alerts stop
   * showing a camera that no longer exists (a camera re-added later starts from zero).
   */
  async forgetCamera(camera: string): Promise<void> {
    this.#hwaccelSeries.delete(camera);
    await this.#forget('camera', camera);
  }

  /** A webhook was removed through the API: its series go too. */
  async forgetWebhook(webhook: string): Promise<void> {
    await this.#forget('webhook', webhook);
  }

  async #forget(label: string, wanted: string): Promise<void> {
    for (const metric of this.registry.getMetricsAsArray() as unknown as LabelledMetric[]) {
      const names = metric.labelNames ?? [];
      if (!names.includes(label)) continue;
      const series = new Map<string, Record<string, string | number>>();
      for (const value of (await metric.get()).values) {
        if (value.labels[label] !== wanted) continue;
        // A histogram's values carry its bucket label too; the series is the metric's own labels.
        const labels = Object.fromEntries(names.map((n) => [n, value.labels[n] ?? '']));
        series.set(JSON.stringify(labels), labels);
      }
      for (const labels of series.values()) metric.remove(labels);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
