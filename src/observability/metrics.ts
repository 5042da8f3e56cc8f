import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Vigil exports, prefixed `vigil_`. The one door to prom-client.
 * Labels carry camera ids (a safe alphabet by schema), never URLs.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly framesDecoded: Counter<'camera'>;
  readonly framesAnalyzed: Counter<'camera'>;
  readonly framesDropped: Counter<'camera' | 'reason'>;
  readonly inferenceSeconds: Histogram;
  readonly frameToEventSeconds: Histogram;
  readonly eventsPublished: Counter<'sink' | 'type'>;
  readonly eventsFailed: Counter<'sink' | 'reason'>;
  readonly cameraState: Gauge<'camera' | 'state'>;
  readonly cameraRestarts: Counter<'camera'>;
  readonly websocketClients: Gauge;
  readonly faceDetections: Counter<'camera'>;
  readonly faceEmbeddings: Counter<'camera'>;
  readonly embeddingSeconds: Histogram;
  readonly faceTracks: Counter<'camera'>;
  readonly recognitions: Counter<'camera' | 'result'>;
  readonly recognitionLatencySeconds: Histogram;
  readonly modelReloads: Counter<'result'>;
  readonly galleryIdentities: Gauge;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
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
      help: 'Time a worker spends on one frame (preprocess, detector, postprocess)',
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.frameToEventSeconds = new Histogram({
      name: 'vigil_frame_to_event_seconds',
      help: 'From a frame being read off the decoder to its event being published',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.eventsPublished = new Counter({ name: 'vigil_events_published_total', help: 'Events handed to each sink', labelNames: ['sink', 'type'], registers });
    this.eventsFailed = new Counter({ name: 'vigil_events_failed_total', help: 'Events a sink could not deliver, by reason', labelNames: ['sink', 'reason'], registers });
    this.cameraState = new Gauge({ name: 'vigil_camera_state', help: '1 for the state each camera is in, 0 for the others', labelNames: ['camera', 'state'], registers });
    this.cameraRestarts = new Counter({ name: 'vigil_camera_restarts_total', help: 'Decoder restarts after an exit', labelNames: ['camera'], registers });
    this.websocketClients = new Gauge({ name: 'vigil_websocket_clients', help: 'Connected WebSocket event subscribers', registers });
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
  }

  setCameraState(camera: string, state: string, allStates: readonly string[]): void {
    for (const s of allStates) this.cameraState.set({ camera, state: s }, s === state ? 1 : 0);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
