import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { VigilError } from '../errors';

/** Where a running gateway is and how to authenticate: flags first, then VIGIL_URL / VIGIL_TOKEN. */
export interface RemoteTarget {
  readonly url: string;
  readonly token: string | undefined;
}

export function remoteTarget(flags: { url?: string | undefined; token?: string | undefined }, env: NodeJS.ProcessEnv): RemoteTarget {
  const host = !env.VIGIL_HOST || env.VIGIL_HOST === '0.0.0.0' || env.VIGIL_HOST === '::' ? '127.0.0.1' : env.VIGIL_HOST;
  const url = (flags.url ?? env.VIGIL_URL ?? `http://${host}:${env.VIGIL_PORT ?? '8080'}`).replace(/\/+$/, '');
  return { url, token: flags.token ?? env.VIGIL_TOKEN };
}

/** Prints a value as one JSON line (`--json`) or as the human text `human()` makes. */
export function printer(out: NodeJS.WritableStream, json: boolean | undefined): (value: unknown, human: () => string) => void {
  return (value, human) => void out.write(`${json ? JSON.stringify(value) : human()}\n`);
}

/** Whether `vigil identities` should talk to a gateway (a URL was given) rather than open the local gallery file. */
export function isRemote(flags: { url?: string | undefined }, env: NodeJS.ProcessEnv): boolean {
  return flags.url !== undefined || Boolean(env.VIGIL_URL);
}

/** Calls the gateway; API errors come back as VigilErrors with the server's code and message. */
export async function call(target: RemoteTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let payload: string | FormData | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`${target.url}${path}`, { method, headers, ...(payload !== undefined && { body: payload }) });
  } catch (error) {
    throw new VigilError('VIGIL_ERR_HOST_UNREACHABLE', `cannot reach the gateway at ${target.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    const known = error?.code?.startsWith('VIGIL_ERR_') ? (error.code as ConstructorParameters<typeof VigilError>[0]) : 'VIGIL_ERR_BAD_REQUEST';
    // The status, and how long a rate-limited caller should wait (callers that retry need it).
    const retryAfterS = Number(response.headers.get('retry-after') ?? error?.details?.retryAfterS);
    throw new VigilError(known, `${error?.message ?? `HTTP ${response.status}`} (HTTP ${response.status})`, { httpStatus: response.status, ...(Number.isFinite(retryAfterS) && { retryAfterS }) });
  }
  return parsed;
}

/** Image files as a multipart form, with the other fields. */
export function imageForm(fields: Record<string, string | undefined>, images: readonly string[]): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) form.append(key, value);
  for (const path of images) form.append('images', new Blob([readFileSync(path)]), basename(path));
  return form;
}
