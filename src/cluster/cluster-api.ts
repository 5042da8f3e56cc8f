import type { CameraConfig } from '../config';
import type { CameraOrigin, CameraView, CameraRegistry } from '../cameras';
import type { TokenInput, TokenService, TokenView } from '../auth';
import type { Gallery, IdentityService, IdentityView, FaceSource } from '../gallery';
import { VigilError } from '../errors';
import { CameraUrl } from '../ingest';
import type { ClusterNode } from './cluster-node';
import { fetchFromPeers, type Via } from './peer-fetch';

/** A stored camera URL as the API may show it: the ingest stage's redaction (password, secret query values). */
function redactUrl(raw: string): string {
  try {
    return CameraUrl.parse(raw, { allowLocalFiles: true, baseDir: '/' }).redacted;
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/** A camera known to the cluster that no gateway reports running (yet). */
export function pendingView(config: CameraConfig, origin: CameraOrigin, hwaccelDefault = 'none'): CameraView & { gateway: null } {
  return {
    id: config.id,
    name: config.name ?? null,
    url: redactUrl(config.url),
    origin,
    enabled: config.enabled,
    state: config.enabled ? 'idle' : 'stopped',
    stateReason: config.enabled ? 'waiting for a gateway to run it' : 'disabled in configuration',
    lastError: null,
    fps: config.fps,
    width: config.width,
    height: config.height,
    framesDecoded: 0,
    framesAnalyzed: 0,
    framesDropped: 0,
    mode: 'full',
    attempt: 0,
    reconnectsLastHour: 0,
    stallsLastHour: 0,
    idle: false,
    hwaccel: { requested: config.hwaccel ?? hwaccelDefault, active: null, reason: null },
    gateway: null,
  };
}

/**
 * The cameras API in cluster mode: every camera of the cluster with its live state (from this
 * gateway's runtimes, or the view its gateway published), `gateway` naming who runs it; changes
 * go through the local registry, which writes the cameras topic; snapshots of cameras running
 * elsewhere are fetched from the other gateways.
 */
export class ClusterCameras {
  readonly #registry: CameraRegistry;
  readonly #node: ClusterNode;
  /** `ingest.hwaccel`: what a camera without its own `hwaccel` asks for. */
  readonly #hwaccelDefault: string;

  constructor(registry: CameraRegistry, node: ClusterNode, hwaccelDefault = 'none') {
    this.#registry = registry;
    this.#node = node;
    this.#hwaccelDefault = hwaccelDefault;
  }

  list(): CameraView[] {
    return this.#registry.configured().map((c) => this.#view(c.config, c.origin));
  }

  get(id: string): CameraView {
    const found = this.#registry.configured().find((c) => c.config.id === id);
    if (!found) throw new VigilError('VIGIL_ERR_CAMERA_NOT_FOUND', `no camera "${id}"`, { camera: id });
    return this.#view(found.config, found.origin);
  }

  /** The view of a camera that does not run here (the registry asks after a change). */
  elsewhere(id: string): CameraView | null {
    const found = this.#registry.configured().find((c) => c.config.id === id);
    return found ? this.#view(found.config, found.origin) : null;
  }

  add(input: Record<string, unknown>): Promise<CameraView> {
    return this.#registry.add(input);
  }

  update(id: string, patch: Record<string, unknown>): Promise<CameraView> {
    return this.#registry.update(id, patch);
  }

  remove(id: string): Promise<void> {
    return this.#registry.remove(id);
  }

  async snapshot(id: string, via: Via = {}): Promise<Buffer> {
    if (this.#registry.has(id)) return this.#registry.snapshot(id);
    this.get(id);
    return fetchFromPeers(this.#node.peerUrls(), `/v1/cameras/${encodeURIComponent(id)}/snapshot`, via);
  }

  #view(config: CameraConfig, origin: CameraOrigin): CameraView {
    if (this.#registry.has(config.id)) return { ...this.#registry.get(config.id), gateway: this.#node.instanceId };
    const remote = this.#node.remoteView(config.id);
    if (remote) return { ...remote.view, origin, gateway: remote.gateway };
    return pendingView(config, origin, this.#hwaccelDefault);
  }
}

/** Track snapshots: this gateway's, or another's (events name snapshots by path only). */
export function clusterSnapshots(local: (id: string) => Buffer, node: ClusterNode): (id: string, via?: Via) => Promise<Buffer> {
  return async (id, via = {}) => {
    try {
      return local(id);
    } catch (error) {
      if (!(error instanceof VigilError) || error.code !== 'VIGIL_ERR_SNAPSHOT_NOT_FOUND') throw error;
      return fetchFromPeers(node.peerUrls(), `/v1/snapshots/${encodeURIComponent(id)}`, via);
    }
  };
}

/**
 * The gallery API in cluster mode: each change is made here (same checks and errors as on one
 * gateway), then the whole identity is published to the identities topic (a tombstone for a
 * removal) before the answer, and every gateway applies it to its own gallery.db.
 */
export class ClusterIdentities {
  readonly #service: IdentityService;
  readonly #gallery: () => Gallery | null;
  readonly #node: ClusterNode;

  constructor(service: IdentityService, gallery: () => Gallery | null, node: ClusterNode) {
    this.#service = service;
    this.#gallery = gallery;
    this.#node = node;
  }

  list(): IdentityView[] {
    return this.#service.list();
  }

  get(id: string): IdentityView {
    return this.#service.get(id);
  }

  faces(id: string): ReturnType<IdentityService['faces']> {
    return this.#service.faces(id);
  }

  negatives(id: string): ReturnType<IdentityService['negatives']> {
    return this.#service.negatives(id);
  }

  /** The aligned crop as stored on this gateway (crops are not replicated: a peer's faces have none here). */
  crop(id: string, kind: 'face' | 'negative', faceId: number): Promise<Buffer> {
    return this.#service.crop(id, kind, faceId);
  }

  async create(input: { name: string; externalId?: string; metadata?: Record<string, unknown>; faces: FaceSource[] }): Promise<IdentityView> {
    const created = await this.#service.create(input);
    await this.#publish(created.id);
    return created;
  }

  async update(id: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): Promise<IdentityView> {
    const updated = this.#service.update(id, patch);
    await this.#publish(updated.id);
    return updated;
  }

  async remove(id: string): Promise<void> {
    const found = this.#service.get(id);
    this.#service.remove(found.id);
    await this.#node.publish('identities', found.id, null);
  }

  async addFace(id: string, face: FaceSource): Promise<{ faceId: number }> {
    const result = await this.#service.addFace(id, face);
    await this.#publish(this.#service.get(id).id);
    return result;
  }

  async removeFace(id: string, faceId: number): Promise<void> {
    this.#service.removeFace(id, faceId);
    await this.#publish(this.#service.get(id).id);
  }

  async addNegative(id: string, face: FaceSource): Promise<IdentityView> {
    const view = await this.#service.addNegative(id, face);
    await this.#publish(view.id);
    return view;
  }

  async removeNegative(id: string, negativeId: number): Promise<void> {
    this.#service.removeNegative(id, negativeId);
    await this.#publish(this.#service.get(id).id);
  }

  async #publish(id: string): Promise<void> {
    const record = this.#gallery()?.exportIdentity(id);
    if (!record) return;
    try {
      await this.#node.publish('identities', id, record);
    } catch (error) {
      throw new VigilError('VIGIL_ERR_KAFKA_UNAVAILABLE', `the change is made on this gateway but could not reach the cluster: ${(error as Error).message}`, { identity: id });
    }
  }
}

/** Stored tokens in cluster mode: created or revoked here, published (digests only) to every gateway. */
export class ClusterTokens {
  readonly #service: TokenService;
  readonly #node: ClusterNode;

  constructor(service: TokenService, node: ClusterNode) {
    this.#service = service;
    this.#node = node;
  }

  list(): TokenView[] {
    return this.#service.list();
  }

  async create(input: TokenInput & { role: string }): Promise<TokenView & { token: string }> {
    const created = this.#service.create(input);
    const entry = this.#service.entry(created.id);
    if (entry) await this.#node.publish('tokens', entry.id, entry);
    return created;
  }

  /** A lower role or an earlier expiry closes the token's sockets here at once, and on every other gateway when the record reaches it. */
  async update(id: string, patch: TokenInput): Promise<TokenView> {
    const updated = this.#service.update(id, patch);
    const entry = this.#service.entry(updated.id);
    if (entry) await this.#node.publish('tokens', entry.id, entry);
    return updated;
  }

  async remove(id: string): Promise<void> {
    this.#service.remove(id);
    await this.#node.publish('tokens', id, null);
  }
}
