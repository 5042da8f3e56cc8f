/**
 * The one catalog of Vigil's errors. Every error a user or operator can see has a stable
 * code here, a default message, whether retrying the same operation can help, and the HTTP
 * status an API answer would carry. Codes are part of the external contract: add, never rename.
 */
export const ERROR_CATALOG = {
  VIGIL_ERR_CONFIG_NOT_FOUND: { message: 'configuration file not found', retryable: false, httpStatus: 500 },
  VIGIL_ERR_CONFIG_INVALID: { message: 'configuration is invalid', retryable: false, httpStatus: 400 },
  VIGIL_ERR_URL_INVALID: { message: 'camera URL cannot be parsed', retryable: false, httpStatus: 400 },
  VIGIL_ERR_URL_SCHEME: { message: 'camera URL scheme is not supported', retryable: false, httpStatus: 400 },
  VIGIL_ERR_LOCAL_FILES_DISABLED: {
    message: 'local file sources are disabled (set gateway.allowLocalFiles: true to allow them)',
    retryable: false,
    httpStatus: 400,
  },
  VIGIL_ERR_SOURCE_NOT_FOUND: { message: 'source not found', retryable: false, httpStatus: 404 },
  VIGIL_ERR_FFMPEG_SPAWN: { message: 'ffmpeg could not be started', retryable: false, httpStatus: 500 },
  VIGIL_ERR_FFMPEG_EXITED: { message: 'ffmpeg exited', retryable: true, httpStatus: 502 },
  VIGIL_ERR_CONNECTION_REFUSED: { message: 'connection refused by the camera', retryable: true, httpStatus: 502 },
  VIGIL_ERR_HOST_UNREACHABLE: { message: 'camera host unreachable or unknown', retryable: true, httpStatus: 502 },
  VIGIL_ERR_AUTH_FAILED: { message: 'the camera refused the credentials (401/403)', retryable: false, httpStatus: 502 },
  VIGIL_ERR_NO_VIDEO_STREAM: { message: 'the source has no video stream', retryable: false, httpStatus: 502 },
  VIGIL_ERR_UNSUPPORTED_CODEC: { message: 'the video codec is not supported by the decoder', retryable: false, httpStatus: 502 },
  VIGIL_ERR_CORRUPT_DATA: { message: 'the source sent data that is not a readable video stream', retryable: true, httpStatus: 502 },
  VIGIL_ERR_STREAM_STALLED: { message: 'no frame from the camera within the stall timeout', retryable: true, httpStatus: 504 },
  VIGIL_ERR_FRAME_RATE_ANOMALY: { message: 'the camera delivered frames far faster than configured', retryable: true, httpStatus: 502 },
  VIGIL_ERR_MODEL_MISSING: { message: 'model file is missing', retryable: false, httpStatus: 500 },
  VIGIL_ERR_MODEL_HASH_MISMATCH: {
    message: 'model file does not match the sha256 in models/manifest.json',
    retryable: false,
    httpStatus: 500,
  },
  VIGIL_ERR_MODEL_LOAD: { message: 'model could not be loaded', retryable: false, httpStatus: 500 },
  VIGIL_ERR_INFERENCE_FAILED: { message: 'inference failed', retryable: true, httpStatus: 500 },
  VIGIL_ERR_IMAGE_UNREADABLE: { message: 'image cannot be read or decoded', retryable: false, httpStatus: 400 },
  VIGIL_ERR_KAFKA_UNAVAILABLE: { message: 'Kafka is unreachable or not acknowledging', retryable: true, httpStatus: 503 },
  VIGIL_ERR_JOURNAL_IO: { message: 'the Kafka journal cannot be read or written', retryable: false, httpStatus: 500 },
  VIGIL_ERR_JOURNAL_FULL: { message: 'the Kafka journal is full', retryable: true, httpStatus: 503 },
  VIGIL_ERR_UNAUTHORIZED: { message: 'missing or invalid access token', retryable: false, httpStatus: 401 },
  VIGIL_ERR_WS_BAD_MESSAGE: { message: 'WebSocket message or query not understood', retryable: false, httpStatus: 400 },
  VIGIL_ERR_GALLERY_UNAVAILABLE: { message: 'the face gallery database cannot be opened', retryable: false, httpStatus: 500 },
  VIGIL_ERR_IDENTITY_NOT_FOUND: { message: 'no such identity in the gallery', retryable: false, httpStatus: 404 },
  VIGIL_ERR_TRACK_NOT_FOUND: { message: 'no such track (or its embedding was pruned)', retryable: false, httpStatus: 404 },
  VIGIL_ERR_ENROLL_NO_FACE: { message: 'no face found in the image', retryable: false, httpStatus: 422 },
  VIGIL_ERR_ENROLL_MULTIPLE_FACES: { message: 'more than one face in the image', retryable: false, httpStatus: 422 },
  VIGIL_ERR_ENROLL_FACE_TOO_SMALL: { message: 'the face is too small to enrol', retryable: false, httpStatus: 422 },
  VIGIL_ERR_ENROLL_FACE_BLURRY: { message: 'the face is too blurry to enrol', retryable: false, httpStatus: 422 },
  VIGIL_ERR_SNAPSHOT_NOT_FOUND: { message: 'snapshot not found (never taken or removed by retention)', retryable: false, httpStatus: 404 },
  VIGIL_ERR_DASHBOARD_FILE_NOT_FOUND: { message: 'no such dashboard file (is the dashboard built? npm run build)', retryable: false, httpStatus: 404 },
  VIGIL_ERR_SHUTDOWN_TIMEOUT: { message: 'component did not stop in time', retryable: false, httpStatus: 500 },
} as const satisfies Record<string, { message: string; retryable: boolean; httpStatus: number }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
