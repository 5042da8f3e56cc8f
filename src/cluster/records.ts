import type { CameraView } from '../cameras';
import type { TokenEntry } from '../auth';
import type { IdentityRecord } from '../gallery';

/** A camera's live view as its gateway publishes it. */
export interface ViewRecord {
  readonly gateway: string;
  /** When it was published (ms since the epoch); stale views are not trusted. */
  readonly at: number;
  readonly view: CameraView;
}

export interface MemberRecord {
  readonly instanceId: string;
  /** Where the other gateways reach this one (its HTTP API). */
  readonly url: string;
  readonly at: number;
}

export interface TrackRecord {
  readonly camera: string;
  readonly embedding: string;
}

function object(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Parses a record's JSON value; null for a tombstone, undefined for something unreadable. Pure. */
export function decode(value: Buffer | null): Record<string, unknown> | null | undefined {
  if (value === null || value.length === 0) return null;
  try {
    return object(JSON.parse(value.toString('utf8'))) ?? undefined;
  } catch {
    return undefined;
  }
}

export function asView(value: Record<string, unknown>): ViewRecord | null {
  const view = object(value.view);
  return typeof value.gateway === 'string' && typeof value.at === 'number' && view && typeof view.id === 'string' ? (value as unknown as ViewRecord) : null;
}

export function asMember(value: Record<string, unknown>): MemberRecord | null {
  return typeof value.instanceId === 'string' && typeof value.url === 'string' && /^https?:\/\//.test(value.url) && typeof value.at === 'number' ? (value as unknown as MemberRecord) : null;
}

export function asToken(value: Record<string, unknown>): TokenEntry | null {
  // An expiry that cannot be read makes the record unreadable: it must never become "never expires".
  const expiresAt = value.expiresAt === undefined || value.expiresAt === null ? null : typeof value.expiresAt === 'string' && Number.isFinite(Date.parse(value.expiresAt)) ? value.expiresAt : undefined;
  return typeof value.id === 'string' && typeof value.digest === 'string' && /^[0-9a-f]{64}$/.test(value.digest) && ['viewer', 'operator', 'admin'].includes(String(value.role)) && expiresAt !== undefined
    ? { id: value.id, role: value.role as TokenEntry['role'], source: 'stored', name: typeof value.name === 'string' ? value.name : null, digest: value.digest, createdAt: typeof value.createdAt === 'string' ? value.createdAt : null, expiresAt }
    : null;
}

export function asIdentity(value: Record<string, unknown>): IdentityRecord | null {
  return typeof value.id === 'string' && typeof value.name === 'string' && Array.isArray(value.faces) && Array.isArray(value.negatives) ? (value as unknown as IdentityRecord) : null;
}

export function asTrack(value: Record<string, unknown>): TrackRecord | null {
  return typeof value.camera === 'string' && typeof value.embedding === 'string' ? (value as unknown as TrackRecord) : null;
}
