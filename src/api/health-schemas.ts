/** JSON schemas of the per-camera health routes (and of the dashboard's generated types). */

const numbers = { type: 'array', items: { type: 'number' } } as const;
const integers = { type: 'array', items: { type: 'integer' } } as const;
const nullableNumbers = { type: 'array', items: { type: ['number', 'null'] } } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;
const isoOrNull = { type: ['string', 'null'], description: 'ISO 8601 time, or null' } as const;

const troubleFields = {
  trouble: { type: 'boolean', description: 'the newest bucket (or the one before, while the newest is young) is in trouble' },
  reasons: { ...strings, description: 'why: backoff, stalled, failed, reconnects, drops, old frames, low fps' },
  troubleSince: { ...isoOrNull, description: 'start of the run of trouble buckets that reaches now (at most an hour back)' },
  lastTroubleAt: { ...isoOrNull, description: 'end of the newest trouble bucket of the hour' },
} as const;

export const cameraHealthSchema = {
  type: 'object',
  required: ['camera', 'expectedFps', 'start', 'bucketMs', 'end', 'analysedFps', 'dropped', 'droppedByReason', 'frameAgeP95Ms', 'frameAgeMaxMs', 'reconnects', 'stalls', 'state', 'idle', 'degraded', 'troubleReasons', 'trouble', 'reasons', 'troubleSince', 'lastTroubleAt'],
  properties: {
    camera: { type: 'string' },
    expectedFps: { type: 'number', description: "the camera's configured analysis rate" },
    start: { type: 'integer', description: 'ms since the epoch: start of the first bucket; bucket i starts at start + i * bucketMs' },
    bucketMs: { type: 'integer' },
    end: { type: 'integer', description: 'ms since the epoch: now (the last bucket is partly filled)' },
    analysedFps: numbers,
    dropped: integers,
    droppedByReason: {
      type: 'object',
      required: ['ring_full', 'stale', 'stopped', 'inference_error'],
      properties: { ring_full: integers, stale: integers, stopped: integers, inference_error: integers },
    },
    frameAgeP95Ms: { ...nullableNumbers, description: 'frame age at analysis, 95th percentile (bin bound: 25, 50, 100, 200, 400, 800, 1600, 3200 ms; above: the maximum); null without frames' },
    frameAgeMaxMs: nullableNumbers,
    reconnects: integers,
    stalls: integers,
    state: { ...strings, description: 'the worst camera state of each bucket' },
    idle: { type: 'array', items: { type: 'boolean' } },
    degraded: { type: 'array', items: { type: 'boolean' } },
    troubleReasons: { type: 'array', items: strings, description: 'per bucket: why it was in trouble (empty: fine)' },
    ...troubleFields,
  },
} as const;

export const cameraHealthSummarySchema = {
  type: 'object',
  required: ['camera', 'state', 'expectedFps', 'analysedFps', 'frameAgeP95Ms', 'droppedLastHour', 'reconnectsLastHour', 'stallsLastHour', 'trouble', 'reasons', 'troubleSince', 'lastTroubleAt'],
  properties: {
    camera: { type: 'string' },
    state: { type: 'string' },
    expectedFps: { type: 'number' },
    analysedFps: { type: 'number', description: 'over the last full 10 s bucket' },
    frameAgeP95Ms: { type: ['number', 'null'] },
    droppedLastHour: { type: 'integer' },
    reconnectsLastHour: { type: 'integer' },
    stallsLastHour: { type: 'integer' },
    ...troubleFields,
  },
} as const;

export const healthWindowQuery = {
  type: 'object',
  properties: { window: { type: 'string', pattern: '^[0-9]{1,5}(s|m|h)$', description: 'how far back: 10s to 1h (default 1h), e.g. 15m' } },
  additionalProperties: false,
} as const;

/** `15m` → 900000; the route's schema has checked the form. */
export function windowMs(text: string | undefined): number {
  if (!text) return 3_600_000;
  const value = Number(text.slice(0, -1));
  const unit = text.slice(-1) === 'h' ? 3_600_000 : text.slice(-1) === 'm' ? 60_000 : 1000;
  return value * unit;
}
