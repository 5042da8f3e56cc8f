import type { CloudEvent } from '../events';

/** Where everything goes: `<prefix>/<instance>/...` for Vigil's topics, `<discoveryPrefix>/...` for Home Assistant. */
export interface TopicLayout {
  readonly prefix: string;
  readonly instance: string;
  readonly discoveryPrefix: string;
}

/** One message to publish (always QoS 1). */
export interface Publish {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export const ONLINE = 'online';
export const OFFLINE = 'offline';

const base = (l: TopicLayout): string => `${l.prefix}/${l.instance}`;
export const gatewayAvailabilityTopic = (l: TopicLayout): string => `${base(l)}/availability`;
export const cameraTopic = (l: TopicLayout, camera: string): string => `${base(l)}/cameras/${camera}`;
export const eventTopic = (l: TopicLayout, camera: string, type: string): string => `${cameraTopic(l, camera)}/events/${type}`;
export const cameraAvailabilityTopic = (l: TopicLayout, camera: string): string => `${cameraTopic(l, camera)}/availability`;
export const lastRecognizedTopic = (l: TopicLayout, camera: string): string => `${cameraTopic(l, camera)}/last_recognized`;
export const lastUnknownTopic = (l: TopicLayout, camera: string): string => `${cameraTopic(l, camera)}/last_unknown`;
/** Home Assistant announces itself here ("online") after a restart: the cue to send discovery again. */
export const homeAssistantStatusTopic = (l: TopicLayout): string => `${l.discoveryPrefix}/status`;

/** A camera is available to Home Assistant while it streams. */
export function availabilityOf(state: string): typeof ONLINE | typeof OFFLINE {
  return state === 'streaming' ? ONLINE : OFFLINE;
}

interface FaceData {
  readonly trackId?: string;
  readonly similarity?: number;
  readonly identity?: { readonly id?: string; readonly name?: string; readonly externalId?: string | null } | null;
  readonly snapshots?: { readonly face?: string; readonly frame?: string } | null;
  readonly state?: string;
}

/**
 * The messages one event becomes. Always the event itself (the CloudEvent JSON, not retained) on
 * `.../cameras/<camera>/events/<type>`; a status event also sets the camera's retained
 * availability; a recognized or unknown face also sets the retained state its Home Assistant
 * sensor reads (so a restarted Home Assistant sees the last value at once). Pure.
 */
export function publishesFor(l: TopicLayout, event: CloudEvent, json: string): Publish[] {
  const camera = event.subject;
  const out: Publish[] = [{ topic: eventTopic(l, camera, event.type), payload: json, retain: false }];
  const data = (event.data ?? {}) as FaceData;
  if (event.type === 'vigil.camera.status' && typeof data.state === 'string') {
    out.push({ topic: cameraAvailabilityTopic(l, camera), payload: availabilityOf(data.state), retain: true });
  } else if (event.type === 'vigil.face.recognized') {
    const state = { name: data.identity?.name ?? null, identityId: data.identity?.id ?? null, externalId: data.identity?.externalId ?? null, similarity: data.similarity ?? null, trackId: data.trackId ?? null, time: event.time, eventId: event.id, snapshot: data.snapshots?.face ?? null };
    out.push({ topic: lastRecognizedTopic(l, camera), payload: JSON.stringify(state), retain: true });
  } else if (event.type === 'vigil.face.unknown') {
    const state = { time: event.time, trackId: data.trackId ?? null, similarity: data.similarity ?? null, eventId: event.id, snapshot: data.snapshots?.face ?? null };
    out.push({ topic: lastUnknownTopic(l, camera), payload: JSON.stringify(state), retain: true });
  }
  return out;
}
