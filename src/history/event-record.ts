import type { CloudEvent } from '../events';

/** What the history stores beside an event's JSON, for its filters and retention. Pure. */
export interface EventRecord {
  readonly eventId: string;
  readonly type: string;
  readonly camera: string;
  /** The event's time, ms since the epoch. */
  readonly time: number;
  readonly identityId: string | null;
  readonly identityName: string | null;
  readonly trackId: string | null;
  readonly run: string;
  readonly sequence: number;
  /** Snapshot ids (`/v1/snapshots/{id}`) the event references: kept as long as the event. */
  readonly snapshotIds: readonly string[];
}

/** Face events whose track's embedding is stored, so that search by face can find them. */
export const APPEARANCE_TYPES: ReadonlySet<string> = new Set(['vigil.face.recognized', 'vigil.face.unknown']);

const SNAPSHOT_URL = /^\/v1\/snapshots\/([0-9a-f-]{36})$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function snapshotIds(snapshots: unknown): string[] {
  if (!snapshots || typeof snapshots !== 'object') return [];
  const out: string[] = [];
  for (const url of Object.values(snapshots as Record<string, unknown>)) {
    const match = typeof url === 'string' ? SNAPSHOT_URL.exec(url) : null;
    if (match?.[1]) out.push(match[1]);
  }
  return out;
}

/** The columns of an event (recognized and unknown carry their snapshots in `data.snapshots`, track.ended in `data.best.snapshots`). Pure. */
export function recordOf(event: CloudEvent): EventRecord {
  const data = (event.data && typeof event.data === 'object' ? event.data : {}) as Record<string, unknown>;
  const identity = data.identity && typeof data.identity === 'object' ? (data.identity as Record<string, unknown>) : null;
  const best = data.best && typeof data.best === 'object' ? (data.best as Record<string, unknown>) : null;
  const time = Date.parse(event.time);
  return {
    eventId: event.id,
    type: event.type,
    camera: event.subject,
    time: Number.isNaN(time) ? 0 : time,
    identityId: text(identity?.id),
    identityName: text(identity?.name),
    trackId: text(data.trackId),
    run: event.vigilrun,
    sequence: event.sequence,
    snapshotIds: [...new Set([...snapshotIds(data.snapshots), ...snapshotIds(best?.snapshots)])],
  };
}

/**
 * An embedding as stored: int8 values scaled by the vector's largest magnitude, then that scale as
 * a float32 (516 bytes for 512 values instead of 2048). The cosine of two stored vectors is within
 * about 0.002 of their float32 cosine, far finer than any decision made on it. Pure.
 */
export function packVector(vector: Float32Array): Buffer {
  let max = 0;
  for (const v of vector) max = Math.max(max, Math.abs(v));
  const scale = max > 0 ? max / 127 : 1;
  const out = Buffer.alloc(vector.length + 4);
  for (let i = 0; i < vector.length; i++) out.writeInt8(Math.round((vector[i] as number) / scale), i);
  out.writeFloatLE(scale, vector.length);
  return out;
}

/** Back from packVector, L2-normalised (so inner product is cosine). Pure. */
export function unpackVector(blob: Uint8Array): Float32Array {
  const n = blob.length - 4;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const scale = view.getFloat32(n, true);
  const out = new Float32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = view.getInt8(i) * scale;
    out[i] = v;
    sum += v * v;
  }
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / norm;
  return out;
}
