import type { CloudEvent } from './cloud-event';
import type { PublishedEvent } from './event-bus';

/**
 * Bytes an entry of the resume history costs beyond its JSON: the entry, the slim event and
 * its few strings (measured with 10,000 typical face events: about 260 bytes each).
 */
export const HISTORY_ENTRY_OVERHEAD = 320;

/**
 * What the resume history keeps of an event: its JSON, sent as is to resuming clients, and only
 * the fields a filter reads (type, camera, time, identity). Keeping the parsed event as well
 * would cost about three times the JSON (2.3 KB against 0.7 KB for a typical face event), which
 * the byte bound did not count. Pure.
 */
export function historyItem(published: PublishedEvent): PublishedEvent {
  const { event } = published;
  const data = event.data as { identity?: { id?: unknown; name?: unknown } | null } | null;
  const identity = data && typeof data === 'object' && data.identity && typeof data.identity === 'object' ? { id: data.identity.id, name: data.identity.name } : null;
  const slim = { type: event.type, subject: event.subject, time: event.time, sequence: event.sequence, data: identity ? { identity } : null };
  // Cluster mode's delivery number and topic position travel with it: resuming by position reads them.
  const { json, acceptedAt, position, cursor } = published;
  return { event: slim as unknown as CloudEvent, json, acceptedAt, ...(position !== undefined && { position }), ...(cursor !== undefined && { cursor }) };
}

/** What an entry costs in memory: its JSON (two bytes a character at worst for V8's strings) and the entry around it. */
export function historyBytes(published: PublishedEvent): number {
  // eslint-disable-next-line no-control-regex
  const wide = /[^\u0000-\u00ff]/.test(published.json);
  return published.json.length * (wide ? 2 : 1) + HISTORY_ENTRY_OVERHEAD;
}
