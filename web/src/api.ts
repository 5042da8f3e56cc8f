import { getToken, tokenRequired } from './auth.js';
import type { ApiErrorBody } from './types.js';

/** An API answer that was not a success: status, the catalog code and the message, shown in place. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** One line for people: "404 VIGIL_ERR_X: message". */
  describe(): string {
    const details = this.details && typeof this.details === 'object' ? ` (${JSON.stringify(this.details)})` : '';
    return `${this.status ? `${this.status} ` : ''}${this.code}: ${this.message}${details}`;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

function headers(json: boolean): Headers {
  const h = new Headers();
  const token = getToken();
  if (token) h.set('authorization', `Bearer ${token}`);
  if (json) h.set('content-type', 'application/json');
  return h;
}

async function failure(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || 'request failed';
  let details: unknown = null;
  try {
    const body = (await response.json()) as Partial<ApiErrorBody> & { message?: string };
    if (body.error && typeof body.error === 'object') {
      code = body.error.code;
      message = body.error.message;
      details = body.error.details ?? null;
    } else if (typeof body.message === 'string') {
      // Fastify's own answers (e.g. a route that does not exist yet): { statusCode, error, message }.
      message = body.message;
    }
  } catch {
    // Not JSON: the status line says it.
  }
  const error = new ApiError(response.status, code, message, details);
  if (response.status === 401) tokenRequired(error.describe());
  return error;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    const init: RequestInit = { method, headers: headers(body !== undefined), cache: 'no-store' };
    if (body !== undefined) init.body = JSON.stringify(body);
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `gateway unreachable (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw await failure(response);
  return response;
}

/** JSON request to the gateway's API; throws ApiError. A 204 resolves to null. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body);
  if (response.status === 204) return null as T;
  return (await response.json()) as T;
}

/**
 * An image from the API as an object URL (the caller revokes it). Fetched rather than put in
 * `<img src>` so the token goes in a header, never in the URL.
 */
export async function imageUrl(path: string): Promise<string> {
  const response = await send('GET', path);
  return URL.createObjectURL(await response.blob());
}
