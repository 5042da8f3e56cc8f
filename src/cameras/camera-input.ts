import { cameraSchema, describeIssues, type CameraConfig } from '../config';
import { VigilError } from '../errors';
import { CameraUrl } from '../ingest';

/** What the API stores for a camera: the streams.yaml shape, URL credentials merged in. */
export type CameraRecord = Record<string, unknown> & { id: string; url: string };

const REDACTED = '***';

/** Puts separately given credentials into the URL (the only place ffmpeg takes them from). Pure. */
export function mergeCredentials(url: string, username: string | undefined, password: string | undefined): string {
  if (username === undefined && password === undefined) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VigilError('VIGIL_ERR_URL_INVALID', 'camera URL cannot be parsed', { field: 'url' });
  }
  if (parsed.protocol === 'file:' || !parsed.host) throw new VigilError('VIGIL_ERR_BAD_REQUEST', 'username/password: only for network camera URLs', { field: 'username' });
  if (username !== undefined) parsed.username = username;
  if (password !== undefined) parsed.password = password;
  return parsed.toString();
}

/**
 * A URL sent back as the API showed it (`rtsp://user:***@host/...`) keeps the stored password: a
 * dashboard that edits a camera's name and echoes its URL must not overwrite the password with
 * "***". Pure.
 */
export function keepStoredPassword(next: string, stored: string): string {
  try {
    const n = new URL(next);
    if (decodeURIComponent(n.password) !== REDACTED) return next;
    const s = new URL(stored);
    n.password = s.password;
    return n.toString();
  } catch {
    return next;
  }
}

/** Validates a stored or requested camera with the streams-file schema and the URL rules. Throws 400s naming the field. */
export function validateCamera(record: CameraRecord, urlRules: { allowLocalFiles: boolean; baseDir: string }): CameraConfig {
  const result = cameraSchema.safeParse(record);
  if (!result.success) {
    const lines = describeIssues(result.error.issues);
    throw new VigilError('VIGIL_ERR_BAD_REQUEST', lines.join('; '), { field: String(result.error.issues[0]?.path.join('.') ?? ''), reason: lines[0] ?? '' });
  }
  if (!urlRules.allowLocalFiles && /^\s*file:/i.test(result.data.url)) {
    throw new VigilError('VIGIL_ERR_LOCAL_FILES_DISABLED', 'local file sources cannot be added through the API (define them in streams.yaml)', { field: 'url' });
  }
  // Refuses disallowed schemes before anything is stored or started.
  CameraUrl.parse(result.data.url, urlRules);
  return result.data;
}

/** The record to store for `POST /v1/cameras`. Pure apart from validation errors. */
export function recordFromCreate(input: Record<string, unknown>): CameraRecord {
  const { username, password, ...rest } = input as Record<string, unknown> & { id: string; url: string; username?: string; password?: string };
  return { ...rest, id: rest.id, url: mergeCredentials(rest.url, username, password) };
}

/** The record after `PATCH`: fields replaced, credentials merged, an echoed redacted password kept. Pure. */
export function recordFromPatch(stored: CameraRecord, patch: Record<string, unknown>): CameraRecord {
  const { username, password, ...rest } = patch as Record<string, unknown> & { url?: string; username?: string; password?: string };
  const url = rest.url === undefined ? stored.url : keepStoredPassword(rest.url, stored.url);
  return { ...stored, ...rest, id: stored.id, url: mergeCredentials(url, username, password) };
}
