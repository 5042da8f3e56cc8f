import { api, describeError } from './api.js';
import { showError } from './dom.js';
import type { CameraView } from './types.js';

/**
 * Builds the POST /v1/cameras body from the form's fields. Credentials are separate fields and
 * never part of the URL the operator types (a URL with `user:pass@` is refused here), so they do
 * not end up in browser history, autofill of the URL field, or screenshots of it. Pure.
 */
export function cameraRequest(fields: Record<string, string>): { body: Record<string, unknown> } | { error: string } {
  const id = (fields.id ?? '').trim();
  const url = (fields.url ?? '').trim();
  if (!id) return { error: 'Camera id is required.' };
  if (!url) return { error: 'URL is required.' };
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return { error: 'Leave credentials out of the URL: use the username and password fields.' };
  } catch {
    // Not a URL the browser parses (e.g. file:...): the gateway decides and says why.
  }
  const body: Record<string, unknown> = { id, url, enabled: fields.enabled === 'on' };
  const name = (fields.name ?? '').trim();
  if (name) body.name = name;
  const fps = (fields.fps ?? '').trim();
  if (fps) body.fps = Number(fps);
  if (fields.rtspTransport) body.rtspTransport = fields.rtspTransport;
  if (fields.username) body.username = fields.username;
  if (fields.password) body.password = fields.password;
  return { body };
}

/** The operator's "add camera" form: POST /v1/cameras, with the API's error shown in the form. */
export function setUpCameraForm(form: HTMLFormElement, error: HTMLElement, added: (camera: CameraView) => void): void {
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const fields: Record<string, string> = {};
    for (const [key, value] of new FormData(form)) if (typeof value === 'string') fields[key] = value;
    const request = cameraRequest(fields);
    if ('error' in request) {
      showError(error, request.error);
      return;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    showError(error, null);
    api<CameraView>('POST', '/v1/cameras', request.body)
      .then((camera) => {
        form.reset();
        added(camera);
      })
      .catch((failure: unknown) => showError(error, describeError(failure)))
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}
