import { CAMERA_STATUS, RECOGNIZED, UNKNOWN, type VigilEvent } from './types.js';
import type { Box, CameraStatusData, FaceMatchData, TrackEndedData } from './wire-types.js';

export const TRACK_ENDED = 'vigil.face.track.ended';

/** How a stored event of any type reads in a list. No DOM: tested in Node (test/unit/web). */
export interface EventSummary {
  /** recognized | unknown | ended | status | other: the item's class. */
  readonly kind: 'recognized' | 'unknown' | 'ended' | 'status' | 'other';
  /** Who, or what happened. */
  readonly title: string;
  /** A short second line: similarity, duration, state change. */
  readonly detail: string;
  readonly camera: string;
  readonly snapshots: { readonly face: string; readonly frame: string } | null;
  readonly box: Box | null;
  /** Its track's embedding is stored: "find this face" can search with it. */
  readonly searchable: boolean;
}

export function summarize(event: VigilEvent): EventSummary {
  if (event.type === RECOGNIZED || event.type === UNKNOWN) {
    const data = event.data as FaceMatchData;
    const recognized = event.type === RECOGNIZED;
    return {
      kind: recognized ? 'recognized' : 'unknown',
      title: recognized ? (data.identity?.name ?? 'Recognized') : 'Unknown face',
      detail: typeof data.similarity === 'number' ? `similarity ${data.similarity.toFixed(2)}` : '',
      camera: data.camera,
      snapshots: data.snapshots ?? null,
      box: data.box ?? null,
      searchable: true,
    };
  }
  if (event.type === TRACK_ENDED) {
    const data = event.data as TrackEndedData;
    const seconds = Math.round(data.durationMs / 100) / 10;
    return {
      kind: 'ended',
      title: `${data.identity?.name ?? 'Unknown face'} left`,
      detail: `seen ${seconds} s, ${data.frames} frames`,
      camera: data.camera,
      snapshots: data.best?.snapshots ?? null,
      box: data.best?.box ?? null,
      searchable: false,
    };
  }
  if (event.type === CAMERA_STATUS) {
    const data = event.data as CameraStatusData;
    return { kind: 'status', title: `Camera ${data.state}`, detail: data.reason ?? (data.previousState ? `was ${data.previousState}` : ''), camera: data.camera, snapshots: null, box: null, searchable: false };
  }
  const camera = typeof (event.data as { camera?: unknown }).camera === 'string' ? (event.data as { camera: string }).camera : event.subject ?? '';
  return { kind: 'other', title: event.type, detail: '', camera, snapshots: null, box: null, searchable: false };
}

/** A face event built from a track.ended one, for the frame viewer (it reads `data.snapshots` and `data.box`). */
export function asFaceEvent(event: VigilEvent): VigilEvent {
  if (event.type !== TRACK_ENDED) return event;
  const data = event.data as TrackEndedData;
  return { ...event, type: data.identity ? RECOGNIZED : UNKNOWN, data: { ...data, ...(data.best ?? {}), identity: data.identity ?? undefined } as unknown as FaceMatchData };
}
