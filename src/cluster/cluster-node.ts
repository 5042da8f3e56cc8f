import type { Logger } from 'pino';
import type { CameraView } from '../cameras';
import type { TokenEntry } from '../auth';
import type { IdentityRecord } from '../gallery';
import { KafkaClient, type InRecord, type KafkaConsumer, type KafkaProducer, type KafkaSettings, type TopicPartition } from '../kafka';
import { StateHolder, type Component } from '../lifecycle';
import { VigilError } from '../errors';
import { CameraCatalog } from './camera-catalog';
import { HandoverMarks } from './handover';
import type { MemberRecord, ViewRecord } from './records';
import { applyStateRecord, type StateTarget } from './state-records';
import { SYNC_PREFIX, clusterTopics, partitionOf, type ClusterTopics } from './topics';

export type ClusterState = 'idle' | 'catching-up' | 'joining' | 'ready' | 'closed';

export interface ClusterSettings {
  readonly topicPrefix: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly viewIntervalMs: number;
  readonly handoverWindowMs: number;
}

/** What the cluster does to the stages of this gateway; wired by the composition root. */
export interface ClusterBindings {
  /** Ownership or the camera catalog changed: reconcile the cameras running here (awaited on revocation). */
  refreshCameras(): Promise<void>;
  /** Views of the cameras running here. */
  localViews(): CameraView[];
  applyIdentity(id: string, record: IdentityRecord | null): void;
  localIdentityIds(): string[];
  applyToken(id: string, entry: TokenEntry | null): void;
  applyTrack(trackId: string, camera: string, embedding: Float32Array): void;
  /** A record of the events topic, for this gateway's subscribers. */
  deliverEvent(record: InRecord): void;
}

export interface ClusterNodeOptions {
  readonly instanceId: string;
  /** Where the other gateways reach this one (known once the HTTP server listens). */
  readonly advertiseUrl: () => string;
  readonly kafka: KafkaSettings;
  readonly settings: ClusterSettings;
  readonly eventsTopic: string;
  readonly logger: Logger;
  /** Run id of this gateway process: names its private reader groups. */
  readonly run: string;
}

/** How long start waits to read the cluster's state before going on (and logging that it could not). */
const CATCH_UP_LIMIT_MS = 60_000;
const MEMBER_INTERVAL_MS = 5000;

/**
 * This gateway as a member of the cluster, through Kafka only (no consensus layer of our own):
 *  - one consumer group on the cameras topic; its partitions assigned here are the cameras that run
 *    here (camera id -> partition by `partitionOf`), and a revoked partition's cameras are stopped
 *    inside the revocation, before the group hands the partition to another gateway;
 *  - a private reader of every compacted state topic (cameras, views, identities, tokens, members,
 *    tracks) from the beginning, keeping the last value per key; writes go to the topics and come
 *    back through it on every gateway, this one included;
 *  - a private reader of the events topic from its end, feeding this gateway's WebSocket clients
 *    with every gateway's events.
 */
export class ClusterNode implements Component<ClusterState> {
  readonly name = 'cluster';
  readonly topics: ClusterTopics;
  readonly catalog: CameraCatalog;
  readonly handovers: HandoverMarks;
  readonly #options: ClusterNodeOptions;
  readonly #state = new StateHolder<ClusterState>('idle');
  readonly #log: Logger;
  readonly #client: KafkaClient;
  readonly #producer: KafkaProducer;
  readonly #views = new Map<string, ViewRecord>();
  readonly #members = new Map<string, MemberRecord>();
  readonly #owned = new Set<number>();
  readonly #identityKeys = new Set<string>();
  /** Partitions per state topic (from the private reader's assignment). */
  readonly #statePartitions = new Map<string, number>();
  /** `topic/partition` whose start-up marker has not been read back yet. */
  readonly #pendingMarkers = new Set<string>();
  #onStateAssigned: (() => void) | null = null;
  #partitions = 1;
  #bindings: ClusterBindings | null = null;
  #stateReader: KafkaConsumer | null = null;
  #owners: KafkaConsumer | null = null;
  #events: KafkaConsumer | null = null;
  #timers: NodeJS.Timeout[] = [];
  #caughtUp: (() => void) | null = null;

  constructor(options: ClusterNodeOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'cluster' });
    this.topics = clusterTopics(options.settings.topicPrefix);
    this.#client = new KafkaClient(options.kafka, options.logger);
    this.#producer = this.#client.producer({ idempotent: true, lingerMs: 0, requestTimeoutMs: 10_000, retries: 3, compression: 'gzip' });
    this.handovers = new HandoverMarks(options.settings.handoverWindowMs);
    this.catalog = new CameraCatalog({ topic: this.topics.cameras, producer: this.#producer, partitions: () => this.#partitions, changed: () => this.#camerasChanged() });
  }

  get state(): ClusterState {
    return this.#state.state;
  }

  get instanceId(): string {
    return this.#options.instanceId;
  }

  /** Whether this gateway runs the camera now. */
  owns(cameraId: string): boolean {
    return this.#owned.has(partitionOf(cameraId, this.#partitions));
  }

  /** The latest view another gateway published of a camera (null when none is fresh). */
  remoteView(cameraId: string, now = Date.now()): ViewRecord | null {
    const record = this.#views.get(cameraId);
    if (!record || record.gateway === this.#options.instanceId) return null;
    return now - record.at <= Math.max(3 * this.#options.settings.viewIntervalMs, this.#options.settings.sessionTimeoutMs) ? record : null;
  }

  /** The other gateways' URLs, learned from the members topic only (never from a request). */
  peerUrls(): string[] {
    return [...this.#members.values()].filter((m) => m.instanceId !== this.#options.instanceId).map((m) => m.url);
  }

  /**
   * Reads the state topics to their current end (so the catalog, gallery and tokens are whole),
   * then joins the cameras group; cameras start as partitions are assigned.
   */
  async start(bindings?: ClusterBindings): Promise<void> {
    if (this.state !== 'idle') return;
    if (!bindings) throw new Error('ClusterNode.start needs the gateway bindings');
    this.#bindings = bindings;
    this.#state.set('catching-up');
    const { settings } = this.#options;
    if (!(await this.#client.reachable())) throw new VigilError('VIGIL_ERR_KAFKA_UNAVAILABLE', `cluster mode: no Kafka broker of ${this.#options.kafka.brokers.join(',')} accepts connections`);
    const compacted = [this.topics.cameras, this.topics.views, this.topics.identities, this.topics.tokens, this.topics.members];
    const topics = [...compacted, this.topics.tracks];
    const admin = this.#client.admin();
    await admin.connect();
    try {
      await admin.ensureTopics([
        ...compacted.map((topic) => ({ topic, partitions: topic === this.topics.cameras ? settings.partitions : Math.min(settings.partitions, 8), replicationFactor: settings.replicationFactor, compacted: true })),
        { topic: this.topics.tracks, partitions: 4, replicationFactor: settings.replicationFactor, compacted: false },
      ]);
    } catch (error) {
      // librdkafka's mock cluster has no CreateTopics: its topics come into being when first used.
      this.#log.warn({ err: String(error) }, 'could not create the cluster topics; relying on automatic topic creation (the brokers\' default partition count)');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await this.#producer.connect();
    // The private reader is the only member of its group, so it is assigned every partition of every
    // state topic: that is how many partitions the cameras topic has (no admin call needed).
    const assigned = new Promise<void>((resolve) => (this.#onStateAssigned = resolve));
    this.#stateReader = this.#client.consumer({
      groupId: `${settings.topicPrefix}.state.${this.#options.instanceId}.${this.#options.run}`,
      topics,
      start: 'earliest',
      maxWaitMs: 100,
      onRecord: (record) => this.#onState(record),
      onAssigned: (partitions) => {
        for (const p of partitions) this.#statePartitions.set(p.topic, Math.max(this.#statePartitions.get(p.topic) ?? 0, p.partition + 1));
        if ([...topics].every((t) => this.#statePartitions.has(t))) this.#onStateAssigned?.();
      },
    });
    await this.#stateReader.start();
    await this.#withinLimit(assigned, 'the state topics were not assigned');
    this.#partitions = this.#statePartitions.get(this.topics.cameras) ?? 1;
    // Barrier: a marker written now to every partition is read back only after everything before it.
    for (const topic of topics) for (let p = 0; p < (this.#statePartitions.get(topic) ?? 0); p++) this.#pendingMarkers.add(`${topic}/${p}`);
    const caught = new Promise<void>((resolve) => (this.#caughtUp = resolve));
    const marker = (partition: number) => ({ key: `${SYNC_PREFIX}${this.#options.instanceId}`, value: this.#options.run, partition });
    for (const topic of topics) await this.#producer.send(topic, Array.from({ length: this.#statePartitions.get(topic) ?? 0 }, (_, p) => marker(p)));
    await this.#withinLimit(caught, 'could not read the cluster state to its end');
    this.#pruneGallery();
    await this.#publishMember();
    this.#events = this.#client.consumer({
      groupId: `${settings.topicPrefix}.feed.${this.#options.instanceId}.${this.#options.run}`,
      topics: [this.#options.eventsTopic],
      start: 'latest',
      maxWaitMs: 50,
      onRecord: (record) => this.#bindings?.deliverEvent(record),
    });
    await this.#events.start();
    this.#state.set('joining');
    this.#owners = this.#client.consumer({
      groupId: `${settings.topicPrefix}.owners`,
      topics: [this.topics.cameras],
      start: 'earliest',
      sessionTimeoutMs: settings.sessionTimeoutMs,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      maxWaitMs: 500,
      onRecord: () => undefined,
      onAssigned: (partitions) => this.#assigned(partitions),
      onRevoked: (partitions, lost) => this.#revoked(partitions, lost),
    });
    await this.#owners.start();
    this.#timers.push(setInterval(() => void this.#publishViews(), settings.viewIntervalMs).unref());
    this.#timers.push(setInterval(() => void this.#publishMember(), MEMBER_INTERVAL_MS).unref());
    this.#state.set('ready');
    this.#log.info({ instanceId: this.#options.instanceId, partitions: this.#partitions, peers: this.peerUrls().length }, 'joined the cluster');
  }

  async #withinLimit(work: Promise<void>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CATCH_UP_LIMIT_MS)));
    const inTime = await Promise.race([work.then(() => true), late]);
    clearTimeout(timer);
    if (!inTime) throw new Error(`${what} within ${CATCH_UP_LIMIT_MS / 1000} s`);
  }

  /** Publishes a write of the gallery, a token or a track; resolves once Kafka has it. */
  async publish(topic: 'identities' | 'tokens' | 'tracks', key: string, value: object | null): Promise<void> {
    await this.#producer.send(this.topics[topic], [{ key, value: value === null ? null : JSON.stringify(value) }]);
  }

  /** Leaves the group (its cameras go to the others at once), after the caller stopped its cameras. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.#state.set('closed');
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await this.#owners?.close().catch((e: unknown) => this.#log.warn({ err: String(e) }, 'leaving the group failed'));
    await this.#producer.send(this.topics.members, [{ key: this.#options.instanceId, value: null }]).catch(() => undefined);
    await Promise.all([this.#events?.close(), this.#stateReader?.close()].map((p) => p?.catch(() => undefined)));
    await this.#producer.disconnect().catch(() => undefined);
  }

  destroy(): void {
    this.#state.set('closed');
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const c of [this.#owners, this.#events, this.#stateReader]) void c?.close().catch(() => undefined);
    void this.#producer.disconnect().catch(() => undefined);
  }

  async #assigned(partitions: readonly TopicPartition[]): Promise<void> {
    const now = Date.now();
    for (const p of partitions) this.#owned.add(p.partition);
    // A camera whose last view came from another gateway moved here: mark what it answers soon.
    for (const [camera, record] of this.#views) {
      if (record.gateway !== this.#options.instanceId && this.owns(camera) && now - record.at < this.#options.settings.sessionTimeoutMs * 3) this.handovers.took(camera, record.gateway, now);
    }
    this.#log.info({ assigned: partitions.map((p) => p.partition), owned: this.#owned.size }, 'camera partitions assigned');
    await this.#refresh();
  }

  async #revoked(partitions: readonly TopicPartition[], lost: boolean): Promise<void> {
    for (const p of partitions) this.#owned.delete(p.partition);
    this.#log.info({ revoked: partitions.map((p) => p.partition), lost, owned: this.#owned.size }, 'camera partitions revoked; stopping their cameras');
    await this.#refresh();
  }

  async #refresh(): Promise<void> {
    // Closing: the registry stopped every camera before the group was left.
    if (this.state === 'closed') return;
    try {
      await this.#bindings?.refreshCameras();
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'camera reconcile failed');
    }
  }

  #camerasChanged(): void {
    if (this.state === 'joining' || this.state === 'ready') void this.#refresh();
  }

  #onState(record: InRecord): void {
    if (record.key.startsWith(SYNC_PREFIX)) {
      if (record.key === `${SYNC_PREFIX}${this.#options.instanceId}` && record.value?.toString() === this.#options.run) {
        this.#pendingMarkers.delete(`${record.topic}/${record.partition}`);
        if (this.#pendingMarkers.size === 0) this.#checkCaughtUp();
      }
      return;
    }
    try {
      this.#applyState(record);
    } catch (error) {
      this.#log.error({ topic: record.topic, key: record.key, err: String(error) }, 'cluster record not applied');
    }
  }

  #applyState(record: InRecord): void {
    const target: StateTarget = {
      bindings: this.#bindings as ClusterBindings,
      catalog: this.catalog,
      views: this.#views,
      members: this.#members,
      identityKeys: this.#identityKeys,
    };
    if (!applyStateRecord(this.topics, record, target)) this.#log.error({ topic: record.topic, key: record.key }, 'unreadable cluster record skipped');
  }

  #checkCaughtUp(): void {
    const done = this.#caughtUp;
    this.#caughtUp = null;
    done?.();
  }

  /** The local gallery is a cache of the identities topic: an identity the topic does not hold goes. */
  #pruneGallery(): void {
    const b = this.#bindings as ClusterBindings;
    const gone = b.localIdentityIds().filter((id) => !this.#identityKeys.has(id));
    for (const id of gone) b.applyIdentity(id, null);
    if (gone.length > 0) this.#log.warn({ removed: gone.length }, 'local identities the cluster does not hold were removed (cluster mode: the identities topic is the gallery)');
  }

  async #publishViews(): Promise<void> {
    if (this.state !== 'ready' || !this.#bindings) return;
    const at = Date.now();
    const views = this.#bindings.localViews();
    if (views.length === 0) return;
    const records = views.map((view) => ({ key: view.id, value: JSON.stringify({ gateway: this.#options.instanceId, at, view }) }));
    for (const view of views) this.#views.set(view.id, { gateway: this.#options.instanceId, at, view });
    await this.#producer.send(this.topics.views, records).catch((e: unknown) => this.#log.warn({ err: String(e) }, 'camera views not published'));
  }

  async #publishMember(): Promise<void> {
    const member: MemberRecord = { instanceId: this.#options.instanceId, url: this.#options.advertiseUrl(), at: Date.now() };
    await this.#producer.send(this.topics.members, [{ key: member.instanceId, value: JSON.stringify(member) }]).catch((e: unknown) => this.#log.warn({ err: String(e) }, 'member record not published'));
  }
}
