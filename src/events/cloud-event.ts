import { randomUUID } from 'node:crypto';
import type { DetectedFace } from '../inference';

/**
 * Every event type Vigil publishes, in one place. Part of the external contract: add, never
 * rename. schemas/cloudevent-v1.json lists the same values (a unit test keeps them in step).
 */
export const EVENT_TYPES = [
  'vigil.camera.status',
  'vigil.face.detected',
  'vigil.face.recognized',
  'vigil.face.unknown',
  'vigil.face.track.ended',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** An event as a stage builds it, before the bus gives it its place in the stream. */
export interface EventDraft<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: EventType;
  /** RFC 3339 time of what the event is about (for faces: the frame capture). */
  readonly time: string;
  /** The camera id. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  /**
   * CloudEvents distributed tracing extension: the W3C trace context of the event's creation, for
   * events made from an analysed frame (that frame's trace). Absent on camera status events.
   */
  readonly traceparent?: string;
  readonly data: T;
}

/**
 * A CloudEvents 1.0 event in structured JSON form, as published. Two extension attributes:
 * `sequence` (1, 2, 3, ... per gateway run, no holes: consumers detect gaps with it) and
 * `vigilrun` (a random id of the gateway run, so a restart, which starts `sequence` at 1 again,
 * is recognisable).
 */
export interface CloudEvent<T = unknown> extends EventDraft<T> {
  readonly sequence: number;
  readonly vigilrun: string;
  /** Cluster mode, on WebSocket and GET /v1/events: `partition:offset` in the events topic (resume with `position`). */
  readonly vigilpos?: string;
}

/** An event's context attributes as strings: what transport headers (Kafka `ce_*`, HTTP `ce-*`) carry. */
export interface ContextAttributes {
  readonly specversion: string;
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly subject: string;
  readonly sequence: string;
  readonly vigilrun: string;
  /** '' when the event has none. */
  readonly traceparent: string;
}

const ATTRIBUTE_ORDER = ['specversion', 'id', 'type', 'source', 'time', 'subject', 'sequence', 'vigilrun', 'traceparent'] as const;

export function attributesOf(event: CloudEvent): ContextAttributes {
  return {
    specversion: event.specversion,
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time,
    subject: event.subject,
    sequence: String(event.sequence),
    vigilrun: event.vigilrun,
    traceparent: event.traceparent ?? '',
  };
}

/** The attributes in a fixed order, to store beside the event (a journal record). Pure. */
export function attributeValues(event: CloudEvent): string[] {
  const attributes = attributesOf(event);
  return ATTRIBUTE_ORDER.map((name) => attributes[name]);
}

/** Back from attributeValues. Pure. */
export function attributesFrom(values: readonly string[]): ContextAttributes {
  // Records journaled before traceparent existed have eight values.
  const [specversion = '', id = '', type = '', source = '', time = '', subject = '', sequence = '', vigilrun = '', traceparent = ''] = values;
  return { specversion, id, type, source, time, subject, sequence, vigilrun, traceparent };
}

export interface FaceDetectedData {
  readonly camera: string;
  /** Per-camera frame sequence number. */
  readonly frameSeq: number;
  readonly frame: { readonly width: number; readonly height: number };
  readonly faces: readonly DetectedFace[];
}

export type FaceDetectedEvent = CloudEvent<FaceDetectedData>;

/** `source` names the gateway instance, so ids are unique per source as CloudEvents requires. */
export function eventSource(instanceId: string): string {
  return `urn:vigil:gateway:${instanceId}`;
}

/** The one builder of drafts: every event type goes through here, so the envelope stays one shape. */
export function eventDraft<T extends { readonly camera: string }>(source: string, type: EventType, at: number, data: T): EventDraft<T> {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type,
    time: new Date(at).toISOString(),
    subject: data.camera,
    datacontenttype: 'application/json',
    data,
  };
}

/** The draft carrying a trace context (`traceparent`), placed before `data` like the other attributes. Pure. */
export function withTraceparent<T>(draft: EventDraft<T>, value: string): EventDraft<T> {
  const { data, ...attributes } = draft;
  return { ...attributes, traceparent: value, data };
}

export function faceDetectedEvent(source: string, capturedAt: number, data: FaceDetectedData): EventDraft<FaceDetectedData> {
  return eventDraft(source, 'vigil.face.detected', capturedAt, data);
}
