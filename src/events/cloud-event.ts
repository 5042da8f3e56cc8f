import { randomUUID } from 'node:crypto';
import type { DetectedFace } from '../inference';

/** Event types Vigil publishes. Part of the external contract: add, never rename. */
export type EventType = 'vigil.face.detected' | 'vigil.face.recognized' | 'vigil.face.unknown' | 'vigil.face.track.ended';

/** A CloudEvents 1.0 event in structured JSON form. */
export interface CloudEvent<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: EventType;
  /** RFC 3339 time of the frame capture the event is about. */
  readonly time: string;
  /** The camera id. */
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
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

export function faceDetectedEvent(source: string, capturedAt: number, data: FaceDetectedData): FaceDetectedEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source,
    type: 'vigil.face.detected',
    time: new Date(capturedAt).toISOString(),
    subject: data.camera,
    datacontenttype: 'application/json',
    data,
  };
}
