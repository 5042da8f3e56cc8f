export {
  EVENT_TYPES,
  isEventType,
  eventDraft,
  withTraceparent,
  attributeValues,
  attributesFrom,
  attributesOf,
  type ContextAttributes,
  faceDetectedEvent,
  eventSource,
  type CloudEvent,
  type EventDraft,
  type EventType,
  type FaceDetectedData,
  type FaceDetectedEvent,
} from './cloud-event';
export { EventBus, newRunId, type EventSink, type PublishedEvent } from './event-bus';
export { buildFilter, filterFromQuery, matches, MATCH_ALL, type EventFilter } from './event-filter';
export { HistoryRing } from './history-ring';
export { WebSocketHub, CLOSE_GOING_AWAY, type HubState, type WebSocketHubOptions } from './websocket-hub';
export { CLOSE_SLOW_CONSUMER, type SessionLimits } from './ws-session';
export { CLOSE_TOKEN_REVOKED, CLOSE_TOKEN_LOWERED, accessEnd, expiryDelay, type AccessEnd } from './ws-access';
export { KafkaSink, kafkaMessage, type KafkaSinkState, type KafkaSinkOptions } from './kafka-sink';
export { Journal, type JournalEntry, type JournalFullPolicy, type JournalOptions } from './journal';
export { cameraStatusEvent, type CameraStatusData, type CameraStatusEvent } from './camera-status';
export { faceRecognizedEvent, faceUnknownEvent, faceTrackEndedEvent, type FaceMatchData, type TrackEndedData, type FaceViewData, type FaceIdentityData } from './face-events';
