export { MqttSink, type MqttSinkOptions, type MqttSinkState } from './mqtt-sink';
export { publishesFor, availabilityOf, eventTopic, cameraAvailabilityTopic, gatewayAvailabilityTopic, lastRecognizedTopic, lastUnknownTopic, homeAssistantStatusTopic, ONLINE, OFFLINE, type Publish, type TopicLayout } from './topics';
export { discoveryMessages, discoveryId, discoveryTopic, type DiscoveryCamera } from './discovery';
