export { faceDetectedEvent, eventSource, type CloudEvent, type EventType, type FaceDetectedData, type FaceDetectedEvent } from './cloud-event';
export { EventBus, type EventSink, type PublishedEvent } from './event-bus';
export { WebSocketHub, CLOSE_GOING_AWAY, type HubState } from './websocket-hub';
export { KafkaSink, type KafkaSinkState } from './kafka-sink';
export { faceRecognizedEvent, faceUnknownEvent, faceTrackEndedEvent, type FaceMatchData, type TrackEndedData, type FaceViewData, type FaceIdentityData } from './face-events';
