import { createHash } from 'node:crypto';
import { OFFLINE, ONLINE, cameraAvailabilityTopic, gatewayAvailabilityTopic, lastRecognizedTopic, lastUnknownTopic, type Publish, type TopicLayout } from './topics';

/**
 * Home Assistant MQTT discovery: each camera is a device with two sensors, "Last recognised
 * person" (state: the name) and "Last unknown face" (state: when, as a timestamp). One retained
 * config message per sensor on `<discoveryPrefix>/sensor/<object_id>/config`, where object_id is
 * the unique_id (Home Assistant's advice), built from [a-zA-Z0-9_-] only. Pure.
 */
export interface DiscoveryCamera {
  readonly id: string;
  readonly name: string | null;
}

/** `[a-zA-Z0-9_-]` only; ids that had to change get a short hash so `a.b` and `a_b` stay distinct. */
export function discoveryId(...parts: readonly string[]): string {
  const raw = parts.join('_');
  const clean = raw.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean === raw ? clean : `${clean}_${createHash('sha256').update(raw).digest('hex').slice(0, 6)}`;
}

export const discoveryTopic = (l: TopicLayout, objectId: string): string => `${l.discoveryPrefix}/sensor/${objectId}/config`;

export function discoveryMessages(l: TopicLayout, camera: DiscoveryCamera, version: string): Publish[] {
  const device = {
    identifiers: [discoveryId('vigil', l.instance, camera.id)],
    name: camera.name ?? camera.id,
    manufacturer: 'Vigil',
    model: 'Camera',
    sw_version: version,
  };
  const common = {
    availability: [
      { topic: gatewayAvailabilityTopic(l), payload_available: ONLINE, payload_not_available: OFFLINE },
      { topic: cameraAvailabilityTopic(l, camera.id), payload_available: ONLINE, payload_not_available: OFFLINE },
    ],
    // Unavailable when either the gateway (its last will) or the camera is offline.
    availability_mode: 'all',
    device,
    origin: { name: 'Vigil', sw_version: version },
    qos: 1,
  };
  const sensors = [
    {
      key: 'last_recognized',
      config: { name: 'Last recognised person', icon: 'mdi:account-check', state_topic: lastRecognizedTopic(l, camera.id), value_template: '{{ value_json.name }}', json_attributes_topic: lastRecognizedTopic(l, camera.id) },
    },
    {
      key: 'last_unknown',
      config: { name: 'Last unknown face', icon: 'mdi:account-question', device_class: 'timestamp', state_topic: lastUnknownTopic(l, camera.id), value_template: '{{ value_json.time }}', json_attributes_topic: lastUnknownTopic(l, camera.id) },
    },
  ];
  return sensors.map(({ key, config }) => {
    const uniqueId = discoveryId('vigil', l.instance, camera.id, key);
    return { topic: discoveryTopic(l, uniqueId), payload: JSON.stringify({ ...config, unique_id: uniqueId, ...common }), retain: true };
  });
}
