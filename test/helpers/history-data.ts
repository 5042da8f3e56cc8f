import { randomUUID } from 'node:crypto';
import type { CloudEvent, PublishedEvent } from '../../src/events';

const TYPES = ['vigil.face.recognized', 'vigil.face.unknown', 'vigil.face.track.ended', 'vigil.camera.status'] as const;

export interface SyntheticOptions {
  readonly cameras: readonly string[];
  readonly identities: readonly { id: string; name: string }[];
  /** Time of event 0, ms; events are `stepMs` apart. */
  readonly start: number;
  readonly stepMs: number;
  readonly seed?: number;
  readonly run?: string;
}

/**
 * Deterministic synthetic events in the shapes the gateway publishes (recognized, unknown,
 * track.ended, camera.status), for the history's tests and benchmark: event i's camera, type,
 * identity and time follow from i and the seed.
 */
export class SyntheticEvents {
  readonly #o: SyntheticOptions;
  #state: number;

  constructor(options: SyntheticOptions) {
    this.#o = options;
    this.#state = (options.seed ?? 1) >>> 0 || 1;
  }

  #next(): number {
    // xorshift32: fast and deterministic.
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }

  /** Event number i (call in order: the generator is sequential). */
  event(i: number, overrides: { type?: string; camera?: string; identity?: { id: string; name: string } | null; time?: number; snapshots?: { face: string; frame: string } | null } = {}): PublishedEvent {
    const o = this.#o;
    const camera = overrides.camera ?? (o.cameras[Math.floor(this.#next() * o.cameras.length)] as string);
    const roll = this.#next();
    const type = overrides.type ?? (TYPES[roll < 0.35 ? 0 : roll < 0.6 ? 1 : roll < 0.95 ? 2 : 3] as string);
    const pick = this.#next();
    const identity = overrides.identity !== undefined ? overrides.identity : type === 'vigil.face.recognized' || (type === 'vigil.face.track.ended' && pick < 0.5) ? (o.identities[Math.floor(pick * o.identities.length)] ?? null) : null;
    const time = overrides.time ?? o.start + i * o.stepMs;
    const trackId = `trk-${i}`;
    const snapshots = overrides.snapshots !== undefined ? overrides.snapshots : null;
    const view = { box: { x: 10, y: 20, width: 80, height: 100 }, quality: { score: 0.8, sharpness: 300, brightness: 0.5, faceSize: 100, frontalness: 0.9 }, liveness: 0.9, snapshots };
    let data: Record<string, unknown>;
    if (type === 'vigil.camera.status') data = { camera, state: 'streaming', previousState: 'starting', reason: null, lastError: null, mode: 'full', idle: false, attempt: 0 };
    else if (type === 'vigil.face.track.ended') data = { camera, trackId, firstSeen: new Date(time - 3000).toISOString(), lastSeen: new Date(time).toISOString(), durationMs: 3000, frames: 15, embeddings: 3, identity: identity ? { ...identity, externalId: null } : null, best: view };
    else data = { camera, trackId, similarity: 0.6, firstSeen: new Date(time - 1000).toISOString(), ...view, ...(type === 'vigil.face.recognized' && identity ? { identity: { ...identity, externalId: null } } : {}) };
    const event: CloudEvent = { specversion: '1.0', id: randomUUID(), source: 'urn:vigil:gateway:test', type: type as CloudEvent['type'], time: new Date(time).toISOString(), subject: camera, datacontenttype: 'application/json', data, sequence: i + 1, vigilrun: o.run ?? 'run-test' };
    return { event, json: JSON.stringify(event), acceptedAt: time };
  }
}
