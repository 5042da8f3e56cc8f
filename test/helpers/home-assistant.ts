/**
 * What Home Assistant requires of an MQTT discovery message for a sensor, encoded from Home
 * Assistant's own sources: the topic matcher of `homeassistant/components/mqtt/discovery.py`
 * (`<prefix>/<component>/[<node_id>/]<object_id>/config`, ids of [a-zA-Z0-9_-]), the shared
 * schemas of `mqtt/schemas.py` (availability list entries need `topic`; `availability_mode` is
 * all/any/latest; `availability` and `availability_topic` exclude each other; a device needs at
 * least one of `identifiers`/`connections`; `origin` needs `name`) and the MQTT sensor platform
 * (`state_topic` required, a valid subscribe topic; a device only with `unique_id`; the
 * `timestamp` device class needs ISO 8601 states with a time zone). Not a mock: the rules a real
 * Home Assistant applies, as a validator.
 */
export const TOPIC_MATCHER = /^(?<prefix>[A-Za-z0-9_-]+)\/(?<component>\w+)\/(?:(?<node>[a-zA-Z0-9_-]+)\/)?(?<object>[a-zA-Z0-9_-]+)\/config$/;

const COMPONENTS = new Set(['alarm_control_panel', 'binary_sensor', 'button', 'camera', 'climate', 'cover', 'device_tracker', 'event', 'fan', 'image', 'light', 'lock', 'number', 'scene', 'select', 'sensor', 'switch', 'tag', 'text', 'update', 'vacuum']);
const AVAILABILITY_MODES = new Set(['all', 'any', 'latest']);

/** A topic Home Assistant can subscribe to: non-empty, at most 65535 bytes, wildcards only as whole levels, no NUL. */
export function validSubscribeTopic(topic: unknown): boolean {
  if (typeof topic !== 'string' || topic.length === 0 || Buffer.byteLength(topic) > 65535 || topic.includes('\u0000')) return false;
  const levels = topic.split('/');
  return levels.every((level, i) => (!level.includes('+') || level === '+') && (!level.includes('#') || (level === '#' && i === levels.length - 1)));
}

const isString = (v: unknown): v is string => typeof v === 'string';

/** Problems Home Assistant would have with this discovery message (empty: it would set the entity up). */
export function discoveryProblems(topic: string, payloadText: string, prefix = 'homeassistant'): string[] {
  const problems: string[] = [];
  const match = TOPIC_MATCHER.exec(topic);
  if (!match?.groups || match.groups.prefix !== prefix) return [`topic ${topic} does not match <prefix>/<component>/[<node_id>/]<object_id>/config`];
  if (!COMPONENTS.has(match.groups.component ?? '')) problems.push(`unsupported component ${match.groups.component}`);
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(payloadText) as Record<string, unknown>;
  } catch {
    return [...problems, 'payload is not JSON'];
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return [...problems, 'payload is not a JSON object'];
  if (match.groups.component === 'sensor' && !validSubscribeTopic(payload.state_topic)) problems.push('sensor needs a valid state_topic');
  if (payload.unique_id !== undefined && !isString(payload.unique_id)) problems.push('unique_id must be a string');
  if (payload.name !== undefined && payload.name !== null && !isString(payload.name)) problems.push('name must be a string or null');
  if (payload.json_attributes_topic !== undefined && !validSubscribeTopic(payload.json_attributes_topic)) problems.push('json_attributes_topic is not a valid topic');
  if (payload.availability !== undefined && payload.availability_topic !== undefined) problems.push('availability and availability_topic exclude each other');
  if (payload.availability !== undefined) {
    const list = Array.isArray(payload.availability) ? payload.availability : [payload.availability];
    for (const entry of list as Record<string, unknown>[]) {
      if (!validSubscribeTopic(entry?.topic)) problems.push('every availability entry needs a valid topic');
      for (const key of ['payload_available', 'payload_not_available']) if (entry?.[key] !== undefined && !isString(entry[key])) problems.push(`availability ${key} must be a string`);
    }
  }
  if (payload.availability_mode !== undefined && !AVAILABILITY_MODES.has(String(payload.availability_mode))) problems.push('availability_mode must be all, any or latest');
  if (payload.device !== undefined) {
    const device = payload.device as Record<string, unknown>;
    const ids = device.identifiers === undefined ? [] : Array.isArray(device.identifiers) ? device.identifiers : [device.identifiers];
    const connections = Array.isArray(device.connections) ? device.connections : [];
    if (ids.length === 0 && connections.length === 0) problems.push('device needs identifiers or connections');
    if (!ids.every(isString)) problems.push('device identifiers must be strings');
    if (!isString(payload.unique_id)) problems.push('a device is only registered for an entity with unique_id');
    for (const key of ['name', 'manufacturer', 'model', 'sw_version', 'via_device']) if (device[key] !== undefined && !isString(device[key])) problems.push(`device ${key} must be a string`);
  }
  if (payload.origin !== undefined && !isString((payload.origin as Record<string, unknown>).name)) problems.push('origin needs a name');
  if (payload.qos !== undefined && ![0, 1, 2].includes(payload.qos as number)) problems.push('qos must be 0, 1 or 2');
  return problems;
}

/** A `timestamp` sensor's state: ISO 8601 with a time zone. */
export function validTimestampState(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}
