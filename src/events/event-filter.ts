import { isEventType, type CloudEvent } from './cloud-event';

/**
 * What a subscriber wants: events whose camera, type and identity are each in the given set, or
 * any value where a set is null. Pure; built from query parameters or a subscribe message.
 */
export interface EventFilter {
  readonly cameras: ReadonlySet<string> | null;
  readonly types: ReadonlySet<string> | null;
  readonly identities: ReadonlySet<string> | null;
}

export const MATCH_ALL: EventFilter = { cameras: null, types: null, identities: null };

export type FilterResult = { ok: true; filter: EventFilter } | { ok: false; error: string };

const MAX_VALUES = 256;
const VALUE = /^[A-Za-z0-9_.:@*-]{1,128}$/;
const IDENTITY = /^[^\u0000-\u001f]{1,128}$/u;

/** "a,b" and ["a", "b,c"] both give the listed values; empty parts are ignored. */
function splitValues(values: readonly unknown[]): string[] | string {
  const out: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') return 'values must be strings';
    for (const part of value.split(',')) {
      const trimmed = part.trim();
      if (trimmed) out.push(trimmed);
    }
  }
  return out.length > MAX_VALUES ? `at most ${MAX_VALUES} values` : out;
}

function valueSet(name: string, values: readonly unknown[] | undefined, pattern: RegExp): ReadonlySet<string> | null | string {
  if (values === undefined) return null;
  const parts = splitValues(values);
  if (typeof parts === 'string') return `${name}: ${parts}`;
  if (parts.length === 0) return null;
  const bad = parts.find((p) => !pattern.test(p));
  if (bad !== undefined) return `${name}: "${bad.slice(0, 40)}" is not a valid value`;
  return new Set(parts);
}

/** Builds a filter from lists of raw values (repeated or comma-separated); unknown types are refused. */
export function buildFilter(fields: { camera?: readonly unknown[]; type?: readonly unknown[]; identity?: readonly unknown[] }): FilterResult {
  const cameras = valueSet('camera', fields.camera, VALUE);
  const types = valueSet('type', fields.type, VALUE);
  const identities = valueSet('identity', fields.identity, IDENTITY);
  for (const result of [cameras, types, identities]) if (typeof result === 'string') return { ok: false, error: result };
  const typeSet = types as ReadonlySet<string> | null;
  if (typeSet) {
    const unknown = [...typeSet].find((t) => !isEventType(t) && !t.endsWith('*'));
    if (unknown !== undefined) return { ok: false, error: `type: unknown event type "${unknown}"` };
  }
  return {
    ok: true,
    filter: { cameras: cameras as ReadonlySet<string> | null, types: typeSet, identities: identities as ReadonlySet<string> | null },
  };
}

/** The filter of a `?camera=a,b&type=...&identity=...` query. */
export function filterFromQuery(query: URLSearchParams): FilterResult {
  const list = (name: string): string[] | undefined => (query.has(name) ? query.getAll(name) : undefined);
  const fields: { camera?: string[]; type?: string[]; identity?: string[] } = {};
  const camera = list('camera');
  const type = list('type');
  const identity = list('identity');
  if (camera) fields.camera = camera;
  if (type) fields.type = type;
  if (identity) fields.identity = identity;
  return buildFilter(fields);
}

function typeMatches(types: ReadonlySet<string>, type: string): boolean {
  if (types.has(type)) return true;
  // "vigil.face.*" style prefixes let a dashboard follow a family of types, including future ones.
  for (const t of types) if (t.endsWith('*') && type.startsWith(t.slice(0, -1))) return true;
  return false;
}

function identityOf(event: CloudEvent): { id?: unknown; name?: unknown } | null {
  const data = event.data as { identity?: unknown } | null;
  const identity = data && typeof data === 'object' ? data.identity : undefined;
  return identity && typeof identity === 'object' ? (identity as { id?: unknown; name?: unknown }) : null;
}

export function matches(filter: EventFilter, event: CloudEvent): boolean {
  if (filter.cameras && !filter.cameras.has(event.subject)) return false;
  if (filter.types && !typeMatches(filter.types, event.type)) return false;
  if (filter.identities) {
    const identity = identityOf(event);
    if (!identity) return false;
    const { id, name } = identity;
    const hit = (typeof id === 'string' && filter.identities.has(id)) || (typeof name === 'string' && filter.identities.has(name));
    if (!hit) return false;
  }
  return true;
}

/** The filter as plain JSON, for acknowledging a subscription. */
export function describeFilter(filter: EventFilter): { camera: string[] | null; type: string[] | null; identity: string[] | null } {
  const list = (set: ReadonlySet<string> | null): string[] | null => (set ? [...set] : null);
  return { camera: list(filter.cameras), type: list(filter.types), identity: list(filter.identities) };
}
