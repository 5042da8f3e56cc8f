/** JSON schemas shared by the routes (and the OpenAPI document built from them). */

import { cameraJsonSchema } from '../config';

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
    },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

export const cameraViewSchema = {
  type: 'object',
  required: ['id', 'name', 'url', 'origin', 'enabled', 'state', 'stateReason', 'lastError', 'fps', 'width', 'height', 'framesDecoded', 'framesAnalyzed', 'framesDropped', 'mode', 'idle', 'attempt', 'reconnectsLastHour', 'stallsLastHour', 'hwaccel'],
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    url: { type: 'string', description: 'password and secret query values replaced by ***' },
    origin: { type: 'string', enum: ['config', 'api'] },
    enabled: { type: 'boolean' },
    state: { type: 'string' },
    stateReason: { type: ['string', 'null'] },
    lastError: {
      anyOf: [{ type: 'null' }, { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } }],
    },
    fps: { type: 'number' },
    width: { type: 'integer' },
    height: { type: 'integer' },
    framesDecoded: { type: 'integer' },
    framesAnalyzed: { type: 'integer' },
    framesDropped: { type: 'integer' },
    mode: { type: 'string', description: 'decode mode: full, keyframes or half-fps (lowered while analysis cannot keep up)' },
    idle: { type: 'boolean', description: 'no face or motion for a while: decoding key frames only until something appears' },
    attempt: { type: 'integer', description: 'reconnect attempts since the stream was last healthy' },
    reconnectsLastHour: { type: 'integer' },
    stallsLastHour: { type: 'integer' },
    hwaccel: {
      type: 'object',
      description: 'hardware decoding: asked for, in use (none: software; null before the decoder opened the stream), and why it is not what was asked',
      required: ['requested', 'active', 'reason'],
      properties: {
        requested: { type: 'string', description: 'none, auto, cuda, vaapi, qsv or vulkan' },
        active: { type: ['string', 'null'] },
        reason: { type: ['string', 'null'] },
      },
    },
    gateway: { type: ['string', 'null'], description: 'cluster mode only: the gateway (instance id) running the camera, null while none does' },
  },
} as const;

/**
 * Camera fields the API accepts: exactly a streams.yaml camera's (names, limits and defaults come
 * from the config schema, declared once), plus credentials given apart from the URL.
 */
const camera = cameraJsonSchema();
const { id: cameraIdSchema, ...cameraSettings } = camera.properties;
const cameraFields = {
  ...cameraSettings,
  username: { type: 'string', maxLength: 256, description: 'merged into the URL for the decoder; never returned' },
  password: { type: 'string', maxLength: 256, description: 'merged into the URL for the decoder; never returned' },
};

export const cameraCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url'],
  properties: { id: cameraIdSchema, ...cameraFields },
};

export const cameraPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: cameraFields,
};

export const identitySchema = {
  type: 'object',
  required: ['id', 'name', 'externalId', 'metadata', 'faces', 'negatives', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    externalId: { type: ['string', 'null'] },
    metadata: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
    faces: { type: 'integer' },
    negatives: { type: 'integer' },
    createdAt: { type: 'string' },
    lastSeen: {
      description: 'the newest stored event naming this identity (null: none stored; absent: the history is off)',
      anyOf: [{ type: 'null' }, { type: 'object', required: ['time', 'camera', 'eventId'], properties: { time: { type: 'string' }, camera: { type: 'string' }, eventId: { type: 'string' } } }],
    },
  },
} as const;

/** An enrolled face or a "not this person" example (`GET /v1/identities/{id}/faces`, `/negatives`). */
export const faceViewSchema = {
  type: 'object',
  required: ['id', 'source', 'createdAt', 'model', 'crop'],
  properties: {
    id: { type: 'integer' },
    source: { type: ['string', 'null'] },
    sha256: { type: ['string', 'null'], description: 'faces: sha256 of the photo it came from (null for tracks and older faces)' },
    createdAt: { type: 'string' },
    model: { type: ['string', 'null'], description: 'sha256 of the embedding model that made its embedding' },
    crop: { type: ['string', 'null'], description: 'URL of the aligned 112x112 crop it was embedded from (PNG); null when none is stored' },
  },
} as const;

const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' } as const;
const externalId = { type: 'string', minLength: 1, maxLength: 200 } as const;
const metadata = { type: 'object', additionalProperties: true, maxProperties: 64 } as const;
/** Base64 of an image; decoded size is checked again against api.maxImageBytes. */
const base64Image = { type: 'string', minLength: 4, maxLength: 16 * 1024 * 1024, pattern: '^[A-Za-z0-9+/=\\s]+$' } as const;
const trackId = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } as const;

export const identityCreateSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name, externalId, metadata, images: { type: 'array', maxItems: 10, items: base64Image }, fromTrack: trackId },
} as const;

export const identityPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name, externalId: { anyOf: [{ type: 'null' }, externalId] }, metadata: { anyOf: [{ type: 'null' }, metadata] } },
} as const;

/** One face: `{image}` (base64) or `{fromTrack}`. */
export const faceInputSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { image: base64Image, fromTrack: trackId },
} as const;

/** `GET /v1/me`. */
export const callerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'tokenId'],
  properties: { role: { type: 'string', enum: ['viewer', 'operator', 'admin', 'anonymous'] }, tokenId: { type: ['string', 'null'] } },
} as const;

export const tokenViewSchema = {
  type: 'object',
  required: ['id', 'role', 'source', 'name', 'createdAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    role: { type: 'string', enum: ['viewer', 'operator', 'admin'] },
    source: { type: 'string', enum: ['env', 'stored'] },
    name: { type: ['string', 'null'] },
    createdAt: { type: ['string', 'null'] },
    expiresAt: { type: ['string', 'null'], description: 'from then on the token is refused and its open WebSockets are closed (4401); null: never' },
  },
} as const;
