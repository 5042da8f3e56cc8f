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
    const details = this.details && typeof this.details === 'object' && Object.keys(this.details).length > 0 ? ` (${JSON.stringify(this.details)})` : '';
    return `${this.status ? `${this.status} ` : ''}${this.code}: ${this.message}${details}`;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

function headers(token: string | null, json: boolean): Headers {
  const h = new Headers();
  if (token) h.set('authorization', `Bearer ${token}`);
  if (json) h.set('content-type', 'application/json');
  return h;
}

async function failure(response: Response, sentToken: string | null): Promise<ApiError> {
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
  // A refusal only asks for a token if it refused the one in use: a request sent before the user
  // gave a token can answer 401 after it, and must not put the question back on screen.
  if (response.status === 401 && sentToken === getToken()) tokenRequired(error.describe());
  return error;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const token = getToken();
  const response = await request(method, path, token, body);
  if (response.ok) return response;
  // Sent before the user gave a token (or a new one) and refused after: ask again with the token
  // in use now, rather than failing a request the user has already answered for.
  const current = getToken();
  if (response.status === 401 && current !== token && current) {
    const retried = await request(method, path, current, body);
    if (retried.ok) return retried;
    throw await failure(retried, current);
  }
  throw await failure(response, token);
}

async function request(method: string, path: string, token: string | null, body: unknown): Promise<Response> {
  try {
    const init: RequestInit = { method, headers: headers(token, body !== undefined), cache: 'no-store' };
    if (body !== undefined) init.body = JSON.stringify(body);
    return await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `gateway unreachable (${error instanceof Error ? error.message : String(error)})`);
  }
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
