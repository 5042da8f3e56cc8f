import { z } from 'zod';
import { integrationSchemas } from './integrations-schema';
import { historySchema } from './history-schema';
import { DISPLAY_TEXT_PATTERN, DISPLAY_TEXT_RULE } from './display-text';
import { isCidr } from './cidr';

/** Camera ids appear in URLs, metric labels and Kafka keys: keep them to a safe alphabet. */
const cameraId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters: letters, digits, "_", "." or "-", starting with a letter or digit');

/**
 * Enrolled faces up to which `auto` searches the gallery exactly on the gateway's own thread
 * instead of asking the search worker's ANN index. Measured (`npm run bench:gallery -- --no-sizes`,
 * 2 busy cores): exact here 0.09 ms p50 at 105 faces, 0.17 ms at 207, 0.34 ms at 402 (where the
 * worker's 0.38 ms round trip meets it), 0.77 ms at 799; the worker's answer costs the event loop
 * nothing, so the switch sits below the crossover.
 */
const EXACT_MAX_FACES = 200;

/** Hardware decoding: a method, `auto` (the first that works here) or `none` (software). Same values as src/ingest/hwaccel.ts (a test keeps them in step). */
export const HWACCEL_VALUES = ['none', 'auto', 'cuda', 'vaapi', 'qsv', 'vulkan'] as const;
const hwaccel = z.enum(HWACCEL_VALUES);

// multipleOf rather than a refinement: it survives into the JSON Schema the API validates with.
const evenDimension = (max: number) => z.number().int().min(32).max(max).multipleOf(2, 'must be an even number of pixels');

export const cameraSchema = z
  .object({
    id: cameraId,
    url: z.string().min(1).max(2048),
    /** Shown on the dashboard and in logs: no control or bidirectional-override characters (they spoof what is shown). */
    name: z.string().max(200).regex(new RegExp(DISPLAY_TEXT_PATTERN, 'u'), DISPLAY_TEXT_RULE).optional(),
    /** Analysis rate: frames per second decoded and sent to the detector. */
    fps: z.number().positive().max(60).default(5),
    /** Analysis frame size; the source is scaled (aspect kept, padded) to exactly this size. */
    width: evenDimension(7680).default(640),
    height: evenDimension(4320).default(360),
    enabled: z.boolean().default(true),
    /** RTSP transport. TCP by default: it survives NAT and packet loss; UDP for servers that only speak UDP. */
    rtspTransport: z.enum(['tcp', 'udp']).default('tcp'),
    /** Local files only: play the file in a loop, paced at real time, as if it were a live camera. */
    loop: z.boolean().default(true),
    /** Per-camera overrides of the global ingest settings (gateway.restartDelay*, ingest.*). */
    restartDelayMs: z.number().int().min(100).max(60_000).optional(),
    restartDelayMaxMs: z.number().int().min(100).max(600_000).optional(),
    stallTimeoutMs: z.number().int().min(500).max(600_000).optional(),
    ringFrames: z.number().int().min(1).max(1000).optional(),
    degradeTo: z.enum(['keyframes', 'half-fps', 'off']).optional(),
    /** Overrides ingest.idle.mode for this camera (`off`: always decode every frame). */
    idle: z.enum(['keyframes', 'off']).optional(),
    /** Overrides ingest.hwaccel for this camera. */
    hwaccel: hwaccel.optional(),
    /** Publish a `vigil.face.detected` event for every analysed frame with faces (off: recognition events only). */
    detectedEvents: z.boolean().default(false),
    /** Track and recognise faces on this camera (landmarks, quality, liveness, embeddings, gallery). */
    recognition: z.boolean().default(true),
  })
  .strict();

export const configSchema = z
  .object({
    gateway: z
      .object({
        /** Names this gateway instance in event `source`; defaults to the host name. */
        instanceId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
        /** Whether `file:` camera URLs may be opened (the demo needs it; production rarely should). */
        allowLocalFiles: z.boolean().default(false),
        /** Delay before ffmpeg is restarted after it exits (the backoff base). */
        restartDelayMs: z.number().int().min(100).max(60_000).default(1000),
        restartDelayMaxMs: z.number().int().min(100).max(600_000).default(30_000),
        /**
         * Where cameras may be (CIDRs, e.g. [10.20.0.0/16, 127.0.0.1/32]): when set, a camera whose
         * host resolves outside them is refused. Link-local addresses (169.254/16, fe80::/10: cloud
         * metadata services) are refused unless listed here; the gateway's own listener always is.
         */
        cameraNetworks: z.array(z.string().refine(isCidr, 'must be a CIDR such as 10.0.0.0/8 or fd00::/8')).max(256).optional(),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        /** A stream that has delivered frames this long counts as healthy: the next backoff starts from the base. */
        healthyAfterMs: z.number().int().min(1000).max(3_600_000).default(30_000),
        /** No frame for this long means the stream is stalled: ffmpeg is killed and reconnected. */
        stallTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
        /** Frames arriving faster than fps * maxFpsFactor (+1), measured over rateWindowMs, is a fault: restart. */
        maxFpsFactor: z.number().min(1.5).max(100).default(3),
        rateWindowMs: z.number().int().min(1000).max(600_000).default(5000),
        /** Frames waiting for analysis per camera: at most this many, and at most ringBytes of them. */
        ringFrames: z.number().int().min(1).max(1000).default(8),
        ringBytes: z.number().int().min(1).max(4 * 1024 ** 3).default(32 * 1024 ** 2),
        /** No longer used (the ring's occupancy said little: the analyser always takes the newest frame); accepted so older files still load. */
        highWatermark: z.number().gt(0).max(1).optional(),
        lowWatermark: z.number().min(0).lt(1).optional(),
        /**
         * The capacity controller works in time: the analysis lag (from a frame leaving the decoder to
         * its analysis being done) under healthyLagMs is healthy; over degradeLagMs for
         * degradeAfterChecks checks in a row (one a second) lowers one camera's work, the costliest;
         * under healthyLagMs for restoreAfterChecks checks gives one camera its work back.
         */
        healthyLagMs: z.number().int().min(10).max(60_000).default(200),
        degradeLagMs: z.number().int().min(20).max(60_000).default(800),
        /** Over this, the box is far behind: one camera is lowered at every check, without waiting for degradeAfterChecks. */
        dropLagMs: z.number().int().min(50).max(600_000).default(1500),
        degradeAfterChecks: z.number().int().min(1).max(3600).default(3),
        restoreAfterChecks: z.number().int().min(1).max(3600).default(3),
        /**
         * While some cameras stay lowered, one held lowered this long swaps modes with a camera above
         * it that has held its mode as long (one pair per check; of those, the one that got least
         * analysis in the last minutes goes up, the one that got most comes down), so a long overload gives every
         * camera its share of full analysis instead of blinding the same ones. A camera raised from
         * key frames starts at its next key frame: keep this well above the cameras' key-frame
         * interval. 0: never.
         */
        rotateLoweredMs: z.number().int().min(0).max(3_600_000).default(10_000),
        /** The lowest a camera goes under overload: key frames only, half the frames analysed, or never degraded. */
        degradeTo: z.enum(['keyframes', 'half-fps', 'off']).default('keyframes'),
        /** How streams become frames: `native` (a decoder process per camera, FFmpeg's libraries), `ffmpeg` (the ffmpeg command), `auto` (ffmpeg when FFMPEG_PATH is set). */
        decoder: z.enum(['auto', 'native', 'ffmpeg']).default('auto'),
        /**
         * The ffmpeg decoder takes the camera URL on its command line, which every local user can
         * read (`ps`, /proc/PID/cmdline): a camera URL with credentials is refused on it unless this is
         * true. The native decoder never needs it (the URL goes on its stdin).
         */
        ffmpegCredentialsOnCommandLine: z.boolean().default(false),
        /**
         * Native decoder: skip H.264/HEVC's deblocking filter. Measured 15-22% less decode CPU on
         * 1080p; the blockier full-size picture does not survive the shrink to the analysis size.
         */
        fastDecode: z.boolean().default(true),
        /**
         * Native decoder: while a camera's analysis takes at most half of its stream's frames, frames
         * no other frame refers to (most encoders' B-frames) are not decoded: nothing analysed needs
         * them. A stream without B-frames is decoded as before. Measured on the bench's 1080p30
         * clip (x264, 58 % B-frames): 42 % less CPU for ffmpeg decoding alone, 18-22 % less for the
         * gateway's decoder processes (9.2-9.7 % of a core per camera instead of 11.8 %).
         */
        skipNonReferenceFrames: z.boolean().default(true),
        /**
         * Decoders run this many nice steps below the gateway (0: the same): on a busy box the
         * gateway's event loop (API, dashboards, event delivery) gets a core first, decoding waits.
         */
        decoderNice: z.number().int().min(0).max(19).default(10),
        /**
         * Hardware decoding for every camera (a camera's `hwaccel` overrides it). A device that is
         * absent means software decoding, with the reason in the log, the API and a metric. `none`
         * by default: hardware decoding is opt-in until it has been seen to work on the machine.
         */
        hwaccel: hwaccel.default('none'),
        idle: z
          .object({
            /** `keyframes`: a camera with no face and no motion for `afterMs` decodes key frames only, and wakes on motion or a face. */
            mode: z.enum(['keyframes', 'off']).default('keyframes'),
            afterMs: z.number().int().min(1000).max(3_600_000).default(10_000),
            /** Compressed-domain motion: a P-frame `motionRatio` times the scene's usual size, and `motionMinBytes` above it. */
            motionRatio: z.number().min(1.1).max(100).default(3),
            motionMinBytes: z.number().int().min(0).max(10_000_000).default(2000),
            motionWarmupPackets: z.number().int().min(1).max(10_000).default(15),
            /** Packets kept since the last key frame to catch up from it on waking (bounded in count and bytes). */
            maxCatchUpPackets: z.number().int().min(1).max(10_000).default(600),
            maxCatchUpBytes: z.number().int().min(64 * 1024).max(1024 ** 3).default(16 * 1024 ** 2),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .refine((ingest) => ingest.healthyLagMs < ingest.degradeLagMs, { message: 'healthyLagMs must be below degradeLagMs', path: ['healthyLagMs'] })
      .refine((ingest) => ingest.degradeLagMs <= ingest.dropLagMs, { message: 'dropLagMs must be at least degradeLagMs', path: ['dropLagMs'] })
      .prefault({}),
    inference: z
      .object({
        /** Worker threads, or `auto` (the default): one per core on CPU, a few on a GPU (src/inference/providers.ts). */
        workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
        /** Where the models run. `auto`: CUDA when its provider is installed and a GPU answers, else CPU. */
        provider: z.enum(['auto', 'cpu', 'cuda', 'tensorrt', 'webgpu']).optional(),
        /** A requested GPU provider that cannot load: run on CPU with a warning instead of refusing to start. */
        allowCpuFallback: z.boolean().optional(),
        /** The older form of `provider`: tried in order; listing `cpu` allows falling back to it. */
        executionProviders: z.array(z.enum(['cuda', 'tensorrt', 'webgpu', 'cpu'])).min(1).optional(),
        intraOpThreads: z.number().int().min(1).max(64).default(1),
        /** Inference threads run this many nice steps below the gateway's own thread (0: the same); see ingest.decoderNice. */
        workerNice: z.number().int().min(0).max(19).default(10),
        /** Frames (and faces) from many cameras run through the models together; see README "Inference". */
        batch: z
          .object({
            maxFrames: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
            maxFaces: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).default('auto'),
            /** Longest a frame waits for company while other batches run (never when the pool is idle). */
            maxWaitMs: z.union([z.literal('auto'), z.number().min(0).max(100)]).default('auto'),
          })
          .strict()
          .prefault({}),
        gpu: z
          .object({
            /** Model runs on the GPU at once, across all workers (a GPU shared with other work is not oversubscribed). */
            maxConcurrentRuns: z.number().int().min(1).max(64).default(1),
            deviceId: z.number().int().min(0).max(64).default(0),
          })
          .strict()
          .prefault({}),
        /** Watch models/ and swap in changed models that match manifest.json, without a restart. */
        watchModels: z.boolean().default(true),
      })
      .strict()
      .superRefine((inference, context) => {
        if (inference.provider !== undefined && inference.executionProviders !== undefined) {
          context.addIssue({ code: 'custom', message: 'set either provider or executionProviders (the older form), not both', path: ['provider'] });
        }
      })
      // The older key keeps its documented default when neither is set.
      .transform((inference) => (inference.provider === undefined && inference.executionProviders === undefined ? { ...inference, executionProviders: ['cpu' as const] } : inference))
      .prefault({}),
    detection: z
      .object({
        scoreThreshold: z.number().min(0).max(1).default(0.7),
        iouThreshold: z.number().min(0).max(1).default(0.3),
        maxFaces: z.number().int().min(1).max(1000).default(100),
        /** Second pass on 2x2 tiles for small faces; only frames at least 640 px wide (costs 4 more detector runs). */
        tiles: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    recognition: z
      .object({
        /** Cosine similarity to name an identity. Fixture photos: same person 0.51-0.81, different people at most 0.19. */
        matchThreshold: z.number().min(-1).max(1).default(0.35),
        /** The best identity must beat the runner-up by this much. */
        minMargin: z.number().min(0).max(2).default(0.05),
        /** Embedded views a track needs before any answer (no naming from one lucky frame). */
        minViews: z.number().int().min(1).max(20).default(2),
        maxEmbeddingsPerTrack: z.number().int().min(1).max(100).default(6),
        embedMinIntervalMs: z.number().int().min(0).max(60_000).default(300),
        /** Faces smaller than this (box height in analysed pixels) are tracked but not embedded. */
        minFaceSize: z.number().int().min(8).max(1000).default(32),
        trackIouThreshold: z.number().min(0.01).max(1).default(0.3),
        /** A track ends after this long without its face. */
        trackMaxUnseenMs: z.number().int().min(100).max(600_000).default(2000),
        maxTracks: z.number().int().min(1).max(1000).default(50),
        /** How often the gateway checks the gallery database for changes made by the CLI. */
        galleryPollMs: z.number().int().min(100).max(600_000).default(1000),
        /** Gallery search, in a worker thread: an exact scan for small galleries, an ANN index (usearch HNSW) above, ranked by identity with negatives. */
        gallerySearch: z
          .object({
            /** auto: exact on the gateway's thread up to exactMaxFaces enrolled faces, the worker's ANN index above; exact (in the worker) or ann force one. */
            mode: z.enum(['auto', 'exact', 'ann']).default('auto'),
            /** Where auto switches to the worker's ANN index; `npm run bench:gallery` measures the crossover. */
            exactMaxFaces: z.number().int().min(0).max(100_000_000).default(EXACT_MAX_FACES),
            /**
             * How the ANN index stores vectors; its own similarities rank the answers (no face row is read per search).
             * i8: a byte a value, each face scaled by its largest value, similarities within 1e-3 (p99) of float32's;
             * f16: twice the memory, within 4e-5; f32: four times, exact. At 1M generated identities (2M faces) i8 takes
             * 1.6 GiB (f16: 2.5 GiB), searches faster and finds the exact best as often (`npm run bench:gallery`, loadtest/README.md).
             */
            quantization: z.enum(['i8', 'f16', 'f32']).default('i8'),
            /** Candidate faces the ANN index proposes per search, ranked by identity. */
            candidates: z.number().int().min(1).max(4096).default(32),
            /**
             * HNSW search breadth: higher finds the true best more often, slower. 128: at 1M generated identities (2M faces,
             * i8) recall@1 0.990, 2.6 / 4.3 ms p50 / p99; 160: 0.994, 3.4 / 5.0 ms (`npm run bench:gallery`, loadtest/README.md).
             */
            expansionSearch: z.number().int().min(1).max(4096).default(128),
            /** Keep the ANN index in VIGIL_DATA_DIR/gallery-index/ so a restart loads it instead of rebuilding (large galleries only). */
            persistIndex: z.boolean().default(true),
            /** Threads that build the index (default: all cores but one, so the event loop keeps one). */
            buildThreads: z.number().int().min(1).max(256).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    snapshots: z
      .object({
        /**
         * Most snapshot files kept under VIGIL_DATA_DIR/snapshots; the oldest are deleted beyond.
         * Unset: 10,000 without history; with history on, its age and size bounds decide instead.
         */
        maxFiles: z.number().int().min(2).max(10_000_000).optional(),
        /** ... and at most this many bytes of them. Unset: 1 GiB without history; with history on, its size bound (which counts them) decides. */
        maxBytes: z.number().int().min(1024 * 1024).max(1024 ** 4).optional(),
        jpegQuality: z.number().int().min(1).max(100).default(85),
      })
      .strict()
      .prefault({}),
    kafka: z
      .object({
        clientId: z.string().min(1).default('vigil'),
        /** Idempotent producer (no duplicates from retries; librdkafka's mock cluster supports it too). */
        idempotent: z.boolean().default(true),
        /** Most events in one produce request (events wait in the on-disk journal, not in memory). */
        maxBatchEvents: z.number().int().min(1).max(2000).default(2000),
        /** Wait this long for more events before sending a batch (several cameras share a request). */
        lingerMs: z.number().int().min(0).max(1000).default(5),
        /** A produce request not answered in this time counts as failed and is retried. */
        requestTimeoutMs: z.number().int().min(100).max(300_000).default(30_000),
        connectionTimeoutMs: z.number().int().min(100).max(60_000).default(3000),
        /** kafkajs retries of one request (exponential backoff) before the sink backs off itself. */
        retries: z.number().int().min(0).max(20).default(5),
        compression: z.enum(['gzip', 'none']).default('gzip'),
        /** TLS to the brokers (MSK, Confluent Cloud, Aiven): files are PEM; without `ca` the system's CAs are trusted. */
        tls: z
          .object({
            enabled: z.boolean().default(false),
            ca: z.string().min(1).optional(),
            cert: z.string().min(1).optional(),
            key: z.string().min(1).optional(),
            /** Check the brokers' certificates and host names (turn off only for a test broker). */
            rejectUnauthorized: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
        /** SASL authentication; the password comes from KAFKA_SASL_PASSWORD (never from this file). */
        sasl: z
          .object({
            mechanism: z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']).default('none'),
            username: z.string().min(1).max(512).optional(),
          })
          .strict()
          .refine((s) => s.mechanism === 'none' || s.username !== undefined, { message: 'username is required with a SASL mechanism', path: ['username'] })
          .prefault({}),
        /** The write-ahead journal under <VIGIL_DATA_DIR>/kafka-journal/<topic>/. */
        journal: z
          .object({
            maxBytes: z.number().int().min(64 * 1024).max(1024 ** 4).default(256 * 1024 * 1024),
            segmentBytes: z.number().int().min(16 * 1024).max(1024 ** 3).default(16 * 1024 * 1024),
            /** 0 = fsync every event; otherwise the most a power failure can lose, in ms. */
            fsyncIntervalMs: z.number().int().min(0).max(60_000).default(100),
            whenFull: z.enum(['dropOldest', 'rejectNew']).default('dropOldest'),
          })
          .strict()
          .refine((j) => j.segmentBytes * 2 <= j.maxBytes, { message: 'must be at most half of maxBytes', path: ['segmentBytes'] })
          .prefault({}),
      })
      .strict()
      .prefault({}),
    websocket: z
      .object({
        /** Per subscriber: messages and bytes waiting beyond the socket before it is dropped (close 4008). */
        maxQueueMessages: z.number().int().min(10).max(1_000_000).default(1000),
        maxQueueBytes: z.number().int().min(64 * 1024).max(1024 ** 3).default(4 * 1024 * 1024),
        /** Ping interval; a subscriber that misses one pong is disconnected. */
        heartbeatMs: z.number().int().min(100).max(600_000).default(30_000),
        /** Events kept for resuming subscribers (`since`), bounded in count and bytes. */
        historyEvents: z.number().int().min(1).max(10_000_000).default(10_000),
        historyBytes: z.number().int().min(1024).max(1024 ** 3).default(32 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    /** Live video (`/v1/cameras/{id}/live`): the camera's own packets remuxed to fragmented MP4, never re-encoded. */
    live: z
      .object({
        /** Viewers of one camera at once, and of all cameras together; beyond, refused with VIGIL_ERR_LIVE_VIEWER_LIMIT. */
        maxViewersPerCamera: z.number().int().min(1).max(1000).default(8),
        maxViewers: z.number().int().min(1).max(10_000).default(32),
        /** Per viewer: bytes its socket may hold unsent; beyond, its video is left out until a key frame (it never slows the others). */
        viewerBufferBytes: z.number().int().min(64 * 1024).max(256 * 1024 ** 2).default(2 * 1024 ** 2),
        /** Per watched camera: fragments since the last key frame kept, so a viewer who joins starts at once. */
        gopCacheBytes: z.number().int().min(0).max(256 * 1024 ** 2).default(8 * 1024 ** 2),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        /** Mutating requests (POST, PATCH, DELETE) per caller (token, or address without tokens): refill per minute ... */
        rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(120),
        /** ... and how many may come at once. */
        rateLimitBurst: z.number().int().min(1).max(10_000).default(30),
        /** Largest image accepted for enrolment, in bytes (after base64 decoding); images also pass sharp's pixel limit. */
        maxImageBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
        /** Apply streams.yaml changes while running (watch the file; SIGHUP always reloads). */
        watchConfig: z.boolean().default(true),
        /** May webhooks added through the API target loopback, link-local or private addresses? (streams.yaml ones decide per webhook) */
        webhooksAllowPrivateTargets: z.boolean().default(false),
        /** Wrong tokens per client address (HTTP and WebSocket upgrade): refill per minute ... */
        authFailuresPerMinute: z.number().int().min(1).max(1_000_000).default(10),
        /** ... and how many may come at once; beyond, the address gets 429 before its tokens are checked. */
        authFailureBurst: z.number().int().min(1).max(100_000).default(20),
      })
      .strict()
      .prefault({}),
    /** Cluster mode (VIGIL_CLUSTER=1 with KAFKA_BROKERS): gateways share cameras, gallery, tokens and events through Kafka. */
    cluster: z
      .object({
        /** Prefix of the cluster's own topics: <prefix>.cameras, .views, .identities, .tokens, .members. */
        topicPrefix: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/).default('vigil.cluster'),
        /** Partitions of the cameras topic, when this gateway creates it: the unit of camera ownership (more gateways than partitions sit idle). */
        partitions: z.number().int().min(1).max(1000).default(24),
        /** Replication of the topics this gateway creates (-1: the brokers' default). */
        replicationFactor: z.number().int().min(-1).max(10).default(-1),
        /** A gateway silent this long loses its cameras to the others (Kafka group session timeout). */
        sessionTimeoutMs: z.number().int().min(3000).max(300_000).default(10_000),
        heartbeatIntervalMs: z.number().int().min(100).max(60_000).default(1000),
        /** How often a gateway publishes the live state of the cameras it runs. */
        viewIntervalMs: z.number().int().min(200).max(60_000).default(2000),
        /** A track that starts this soon after its camera moved here is marked `handover` (the person may already have been reported by the old gateway). */
        handoverWindowMs: z.number().int().min(0).max(600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    cameras: z.array(cameraSchema).default([]),
    /** The stored event history, its retention and face search (src/history). */
    history: historySchema,
    /** Event delivery by HTTP callbacks and to an MQTT broker (src/webhooks, src/mqtt). */
    ...integrationSchemas,
  })
  .strict()
  .superRefine((config, ctx) => {
    const hooks = new Set<string>();
    config.webhooks.forEach((webhook, index) => {
      if (hooks.has(webhook.id)) ctx.addIssue({ code: 'custom', path: ['webhooks', index, 'id'], message: `duplicate webhook id "${webhook.id}"` });
      hooks.add(webhook.id);
    });
    const seen = new Set<string>();
    config.cameras.forEach((camera, index) => {
      if (seen.has(camera.id)) {
        ctx.addIssue({ code: 'custom', path: ['cameras', index, 'id'], message: `duplicate camera id "${camera.id}"` });
      }
      seen.add(camera.id);
    });
  });

export type CameraConfig = z.infer<typeof cameraSchema>;

/**
 * A streams.yaml camera as JSON Schema (what a request body may hold), for the API: the one
 * declaration of a camera's fields and limits serves the file and the API alike.
 */
export function cameraJsonSchema(): { properties: Record<string, Record<string, unknown>>; required: string[] } {
  const { $schema: _schema, ...schema } = z.toJSONSchema(cameraSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return schema as { properties: Record<string, Record<string, unknown>>; required: string[] };
}
export type FileConfig = z.infer<typeof configSchema>;
