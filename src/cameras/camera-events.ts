import { cameraStatusEvent, faceDetectedEvent, faceRecognizedEvent, faceTrackEndedEvent, faceUnknownEvent, type EventDraft, type FaceIdentityData } from '../events';
import type { Identity } from '../gallery';
import type { FrameAnalysis, TrackOutcome } from '../recognition';
import type { CameraStatus } from './camera-status';

/** Where a camera's events go (the event bus, which numbers and delivers them). */
export interface EventPublisher {
  publish(draft: EventDraft): unknown;
}

/** `vigil.camera.status` for a state change. Pure. */
export function statusDraft(source: string, status: CameraStatus): EventDraft {
  const { at, ...data } = status;
  return cameraStatusEvent(source, at, data);
}

/** `vigil.face.detected` for an analysed frame with faces (cameras with `detectedEvents` only). Pure. */
export function detectionDraft(source: string, camera: string, analysis: FrameAnalysis): EventDraft {
  return faceDetectedEvent(source, analysis.capturedAt, {
    camera,
    frameSeq: analysis.seq,
    frame: { width: analysis.width, height: analysis.height },
    faces: analysis.faces,
  });
}

function identityData(identity: Identity): FaceIdentityData {
  return { id: identity.id, name: identity.name, externalId: identity.externalId };
}

/** `vigil.face.recognized`, `vigil.face.unknown` or `vigil.face.track.ended` for what the recognizer reported. Pure. */
export function outcomeDraft(source: string, outcome: TrackOutcome): EventDraft {
  if (outcome.kind === 'ended') {
    return faceTrackEndedEvent(source, outcome.lastSeen, {
      camera: outcome.camera,
      trackId: outcome.trackId,
      firstSeen: new Date(outcome.firstSeen).toISOString(),
      lastSeen: new Date(outcome.lastSeen).toISOString(),
      durationMs: outcome.lastSeen - outcome.firstSeen,
      frames: outcome.frames,
      embeddings: outcome.embeddings,
      identity: outcome.identity ? identityData(outcome.identity) : null,
      best: outcome.best,
    });
  }
  const data = { camera: outcome.camera, trackId: outcome.trackId, similarity: outcome.similarity, firstSeen: new Date(outcome.firstSeen).toISOString(), ...outcome.best };
  return outcome.kind === 'recognized'
    ? faceRecognizedEvent(source, outcome.decidedAt, { ...data, identity: identityData(outcome.identity) })
    : faceUnknownEvent(source, outcome.decidedAt, data);
}
