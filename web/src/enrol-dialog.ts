import { api, describeError, imageUrl } from './api.js';
import { byId, h, setObjectUrl, showError } from './dom.js';
import { faceData } from './event-store.js';
import type { Identity, VigilEvent } from './types.js';

/**
 * "Enrol as…" for an unknown face: a new identity (POST /v1/identities with fromTrack) or one
 * more face for an existing one (POST /v1/identities/{id}/faces). Needs the operator role; the
 * API's answer (403, 422 VIGIL_ERR_ENROLL_*, 404 for a pruned track) is shown in the dialog.
 */
export class EnrolDialog {
  readonly #dialog = byId<HTMLDialogElement>('enrol');
  readonly #form = byId<HTMLFormElement>('enrol-form');
  readonly #face = byId<HTMLImageElement>('enrol-face');
  readonly #select = byId<HTMLSelectElement>('enrol-identity');
  readonly #error = byId('enrol-error');
  readonly #done = byId('enrol-done');
  readonly #enrolled: () => void;
  #trackId: string | null = null;

  constructor(enrolled: () => void) {
    this.#enrolled = enrolled;
    this.#form.addEventListener('submit', (submit) => {
      submit.preventDefault();
      void this.#submit();
    });
    byId('enrol-cancel').addEventListener('click', () => this.#dialog.close());
    this.#dialog.addEventListener('close', () => setObjectUrl(this.#face, null));
    for (const radio of this.#form.querySelectorAll<HTMLInputElement>('input[name="mode"]')) radio.addEventListener('change', () => this.#syncMode());
  }

  open(event: VigilEvent): void {
    const data = faceData(event);
    this.#trackId = data.trackId ?? null;
    this.#form.reset();
    showError(this.#error, null);
    showError(this.#done, null);
    this.#syncMode();
    setObjectUrl(this.#face, null);
    if (data.snapshots?.face) imageUrl(data.snapshots.face).then((url) => setObjectUrl(this.#face, url)).catch(() => undefined);
    this.#dialog.showModal();
    void this.#loadIdentities();
  }

  #syncMode(): void {
    const existing = this.#mode() === 'existing';
    byId('enrol-new-fields').hidden = existing;
    byId('enrol-existing-fields').hidden = !existing;
  }

  #mode(): string {
    return this.#form.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'new';
  }

  async #loadIdentities(): Promise<void> {
    this.#select.replaceChildren(h('option', { value: '' }, 'Loading…'));
    try {
      const identities = await api<Identity[]>('GET', '/v1/identities');
      this.#select.replaceChildren(h('option', { value: '' }, 'Choose an identity'), ...identities.map((i) => h('option', { value: i.id }, i.externalId ? `${i.name} (${i.externalId})` : i.name)));
    } catch (error) {
      this.#select.replaceChildren(h('option', { value: '' }, 'Identities unavailable'));
      if (this.#mode() === 'existing') showError(this.#error, `Identities: ${describeError(error)}`);
    }
  }

  async #submit(): Promise<void> {
    if (!this.#trackId) return showError(this.#error, 'This event has no track to enrol from.');
    const fields = new FormData(this.#form);
    const button = this.#form.querySelector<HTMLButtonElement>('button[type="submit"]');
    showError(this.#error, null);
    try {
      if (button) button.disabled = true;
      let message: string;
      if (this.#mode() === 'existing') {
        const id = String(fields.get('identity') ?? '');
        if (!id) return showError(this.#error, 'Choose an identity.');
        await api('POST', `/v1/identities/${encodeURIComponent(id)}/faces`, { fromTrack: this.#trackId });
        message = `Face added to ${this.#select.selectedOptions[0]?.textContent ?? 'the identity'}.`;
      } else {
        const name = String(fields.get('name') ?? '').trim();
        if (!name) return showError(this.#error, 'A name is required.');
        const externalId = String(fields.get('externalId') ?? '').trim();
        const identity = await api<Identity>('POST', '/v1/identities', externalId ? { name, externalId, fromTrack: this.#trackId } : { name, fromTrack: this.#trackId });
        message = `Enrolled as ${identity.name}.`;
      }
      showError(this.#done, message);
      this.#enrolled();
    } catch (error) {
      showError(this.#error, describeError(error));
    } finally {
      if (button) button.disabled = false;
    }
  }
}
