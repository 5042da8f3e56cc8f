import type { CloudEvent, PublishedEvent } from '../events';
import type { InRecord } from '../kafka';

/**
 * One record of the events topic as this gateway's subscribers get it: the event as published,
 * plus `vigilpos` (`partition:offset`), the same on every gateway, for resuming on any of them.
 * `position` is this gateway's delivery number (its history's order). Null for an unreadable
 * record. Pure.
 */
export function feedEvent(record: InRecord, position: number): PublishedEvent | null {
  if (!record.value) return null;
  let event: CloudEvent;
  try {
    event = JSON.parse(record.value.toString('utf8')) as CloudEvent;
  } catch {
    return null;
  }
  if (!event || typeof event !== 'object' || typeof event.id !== 'string' || typeof event.type !== 'string') return null;
  const vigilpos = `${record.partition}:${record.offset}`;
  const withPosition: CloudEvent = { ...event, vigilpos };
  return { event: withPosition, json: JSON.stringify(withPosition), acceptedAt: record.timestamp || Date.now(), position, cursor: { partition: record.partition, offset: record.offset } };
}
