import { eventDraft, type EventDraft } from './cloud-event';

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FaceViewData {
  readonly box: Box;
  readonly quality: { readonly score: number; readonly sharpness: number; readonly brightness: number; readonly faceSize: number; readonly frontalness: number };
  readonly liveness: number | null;
  /** `/v1/snapshots/{id}` URLs of the face crop and the full frame, or null when saving failed. */
  readonly snapshots: { readonly face: string; readonly frame: string } | null;
}

export interface FaceIdentityData {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
}

/** `vigil.face.recognized` and `vigil.face.unknown`: once per track, again only when the answer changes. */
export interface FaceMatchData extends FaceViewData {
  readonly camera: string;
  readonly trackId: string;
  /** Recognised only. */
  readonly identity?: FaceIdentityData;
  /** Cosine similarity of the track's aggregate embedding to the best identity (for unknown: the best one below the threshold). */
  readonly similarity: number;
  /** RFC 3339: the track's first frame. */
  readonly firstSeen: string;
}

export interface TrackEndedData {
  readonly camera: string;
  readonly trackId: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly durationMs: number;
  readonly frames: number;
  readonly embeddings: number;
  /** The identity the track was recognised as, or null. */
  readonly identity: FaceIdentityData | null;
  /** The best view's scores and snapshots; null when no face of the track could be analysed. */
  readonly best: FaceViewData | null;
}

/** `time` is the capture time of the frame that settled the answer. */
export function faceRecognizedEvent(source: string, time: number, data: FaceMatchData & { identity: FaceIdentityData }): EventDraft<FaceMatchData> {
  return eventDraft(source, 'vigil.face.recognized', time, data);
}

export function faceUnknownEvent(source: string, time: number, data: FaceMatchData): EventDraft<FaceMatchData> {
  return eventDraft(source, 'vigil.face.unknown', time, data);
}

/** `time` is when the track was last seen. */
export function faceTrackEndedEvent(source: string, time: number, data: TrackEndedData): EventDraft<TrackEndedData> {
  return eventDraft(source, 'vigil.face.track.ended', time, data);
}
