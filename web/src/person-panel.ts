import { api, describeError, imageUrl } from './api.js';
import { formatTime, h, setObjectUrl, showError } from './dom.js';
import { fileToBase64, firstImage } from './files.js';
import type { ViewContext } from './view-context.js';
import type { Identity } from './types.js';
import type { IdentityFaceView } from './wire-types.js';

function cropTile(face: IdentityFaceView, label: string, remove: (() => Promise<void>) | null): HTMLLIElement {
  const img = h('img', { alt: label, width: '112', height: '112', decoding: 'async' });
  const item = h('li', { class: 'crop', 'data-face-id': String(face.id) }, face.crop ? img : h('span', { class: 'no-crop' }, 'no crop stored'), h('span', { class: 'crop-source' }, face.source ?? ''));
  if (face.crop) imageUrl(face.crop).then((url) => setObjectUrl(img, url)).catch(() => item.classList.add('no-snapshot'));
  if (remove) {
    const button = h('button', { type: 'button', class: 'remove operator-only danger', 'aria-label': `Remove ${label}` }, 'Remove');
    button.addEventListener('click', () => {
      button.disabled = true;
      void remove().finally(() => (button.disabled = false));
    });
    item.append(button);
  }
  return item;
}

/**
 * One person on the people page: the crops their faces were enrolled with, the "not this person"
 * examples, where and when they were last seen; add and remove photos, rename, delete, through the
 * identities API (operator role for changes; the API refuses a viewer anyway).
 */
export async function renderPerson(root: HTMLElement, id: string, context: ViewContext, changed: () => void): Promise<void> {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const fail = (failure: unknown): void => showError(error, describeError(failure));
  const path = `/v1/identities/${encodeURIComponent(id)}`;
  let identity: Identity;
  let faces: IdentityFaceView[];
  let negatives: IdentityFaceView[];
  try {
    [identity, faces, negatives] = await Promise.all([api<Identity>('GET', path), api<IdentityFaceView[]>('GET', `${path}/faces`), api<IdentityFaceView[]>('GET', `${path}/negatives`)]);
  } catch (failure) {
    root.replaceChildren(h('p', { class: 'error', role: 'alert' }, describeError(failure)));
    return;
  }
  const reload = (): void => {
    changed();
    void renderPerson(root, id, context, changed);
  };
  const seen = identity.lastSeen ? `Last seen at ${context.cameraName(identity.lastSeen.camera)}, ${formatTime(identity.lastSeen.time)}` : identity.lastSeen === null ? 'Not seen in the stored history' : '';

  const name = h('input', { name: 'name', value: identity.name, maxlength: '200', required: true, 'aria-label': 'Name' });
  const rename = h('form', { class: 'rename operator-only' }, name, h('button', { type: 'submit' }, 'Rename'));
  rename.addEventListener('submit', (submit) => {
    submit.preventDefault();
    if (name.value.trim() && name.value.trim() !== identity.name) api('PATCH', path, { name: name.value.trim() }).then(reload, fail);
  });

  const photo = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', class: 'add-photo-input' });
  const addPhoto = h('label', { class: 'add-photo operator-only button-like' }, 'Add a photo', photo);
  photo.addEventListener('change', () => {
    const file = firstImage(photo.files);
    if (!file) return;
    showError(error, null);
    fileToBase64(file)
      .then((image) => api('POST', `${path}/faces`, { image }))
      .then(reload, fail)
      .finally(() => (photo.value = ''));
  });

  const remove = h('button', { type: 'button', class: 'delete-person operator-only danger' }, `Delete ${identity.name}`);
  remove.addEventListener('click', () => {
    if (remove.dataset.confirm !== 'yes') {
      remove.dataset.confirm = 'yes';
      remove.textContent = `Confirm: delete ${identity.name} and every face`;
      return;
    }
    api('DELETE', path).then(() => {
      changed();
      context.go('people');
    }, fail);
  });

  const faceList = h('ol', { class: 'crops faces', 'aria-label': `Faces ${identity.name} was enrolled with` },
    ...faces.map((f, i) => cropTile(f, `face ${i + 1} of ${identity.name}`, () => api('DELETE', `${path}/faces/${f.id}`).then(reload, fail))));
  const negativeList = h('ol', { class: 'crops negatives', 'aria-label': `Not ${identity.name}` },
    ...negatives.map((n, i) => cropTile(n, `"not ${identity.name}" example ${i + 1}`, () => api('DELETE', `${path}/negatives/${n.id}`).then(reload, fail))));
  root.replaceChildren(
    h('h3', { tabindex: '-1', class: 'person-name' }, identity.name),
    h('p', { class: 'meta last-seen' }, [identity.externalId ? `External id ${identity.externalId}` : '', seen].filter(Boolean).join(' · ')),
    rename, error,
    h('h4', {}, `Faces (${faces.length})`), faceList, addPhoto,
    h('h4', {}, `Not this person (${negatives.length})`), negatives.length ? negativeList : h('p', { class: 'hint' }, 'No "not this person" examples.'),
    h('div', { class: 'actions' }, remove),
  );
}
