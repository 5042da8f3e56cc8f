/** The history view's filter and how it travels: the route's parameters and the API's query. No DOM: tested in Node. */
export interface HistoryState {
  readonly camera: string | null;
  /** Identity id or name. */
  readonly identity: string | null;
  readonly unknown: boolean;
  /** ms since the epoch, or null: open-ended. */
  readonly from: number | null;
  readonly to: number | null;
}

export const EMPTY_STATE: HistoryState = { camera: null, identity: null, unknown: false, from: null, to: null };

const HOUR = 3600_000;

function time(value: string | null): number | null {
  if (!value) return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** From the route (`#/history?camera=gate&unknown=1&from=...`). */
export function stateFromParams(params: URLSearchParams): HistoryState {
  return {
    camera: params.get('camera') || null,
    identity: params.get('identity') || null,
    unknown: params.get('unknown') === '1',
    from: time(params.get('from')),
    to: time(params.get('to')),
  };
}

/** For the route (what a link or the Back button restores). */
export function stateToParams(state: HistoryState): Record<string, string | null> {
  return {
    camera: state.camera,
    identity: state.unknown ? null : state.identity,
    unknown: state.unknown ? '1' : null,
    from: state.from === null ? null : new Date(state.from).toISOString(),
    to: state.to === null ? null : new Date(state.to).toISOString(),
  };
}

/** `GET /v1/events` for the first page (stored history, newest first). */
export function eventsQuery(state: HistoryState, limit: number): string {
  const q = new URLSearchParams({ scope: 'stored', limit: String(limit), type: 'vigil.face.recognized,vigil.face.unknown,vigil.face.track.ended,vigil.camera.status' });
  if (state.camera) q.set('camera', state.camera);
  if (state.unknown) q.set('unknown', 'true');
  else if (state.identity) q.set('identity', state.identity);
  if (state.from !== null) q.set('from', new Date(state.from).toISOString());
  if (state.to !== null) q.set('to', new Date(state.to).toISOString());
  return `/v1/events?${q.toString()}`;
}

/** The next page: the cursor carries the filter. */
export function nextPageQuery(cursor: string, limit: number): string {
  return `/v1/events?${new URLSearchParams({ cursor, limit: String(limit) }).toString()}`;
}

/** The timeline's window: the filter's range, or the last 24 hours (ending now, or at `to`). */
export function timelineWindow(state: HistoryState, now: number): { from: number; to: number } {
  const to = state.to ?? now;
  const from = state.from ?? to - 24 * HOUR;
  return { from, to: Math.max(to, from + 5 * 60_000) };
}

/** `GET /v1/events/timeline` for the state (identity is not counted there: the timeline shows every face). */
export function timelineQuery(state: HistoryState, now: number, buckets: number): string {
  const { from, to } = timelineWindow(state, now);
  const q = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), buckets: String(buckets), type: 'vigil.face.recognized,vigil.face.unknown' });
  if (state.camera) q.set('camera', state.camera);
  if (state.unknown) q.set('unknown', 'true');
  return `/v1/events/timeline?${q.toString()}`;
}

/** A `datetime-local` input's value for a time (local), or '' for none. */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Back from a `datetime-local` value (local time), or null. */
export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
