import { api, describeError } from './api.js';
import { formatTime, h, showError } from './dom.js';
import { fileToBase64, firstImage } from './files.js';
import { renderPerson } from './person-panel.js';
import type { View } from './router.js';
import type { ViewContext } from './view-context.js';
import type { Identity } from './types.js';

/**
 * `#/people`: every identity (faces, "not this person" examples, where and when last seen);
 * `#/people?id=ID` opens one (its crops, add/remove photos, rename, delete); a new person from a
 * name and a photo.
 */
export function mountPeople(section: HTMLElement, context: ViewContext): View {
  const list = h('ul', { class: 'people', 'aria-label': 'People' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const detail = h('div', { class: 'person', 'aria-live': 'polite' });
  const name = h('input', { name: 'name', maxlength: '200', required: true });
  const photo = h('input', { type: 'file', name: 'photo', accept: 'image/jpeg,image/png,image/webp', required: true });
  const addError = h('p', { class: 'error', role: 'alert', hidden: true });
  const add = h('form', { class: 'add-person operator-only', 'aria-label': 'Add a person' },
    h('h3', {}, 'Add a person'), h('label', {}, 'Name', name), h('label', {}, 'Photo (one clear face)', photo), addError, h('button', { type: 'submit' }, 'Add person'));
  section.classList.add('people-view');
  section.append(h('h2', { tabindex: '-1' }, 'People'), error, h('div', { class: 'people-layout' }, h('div', {}, list, add), detail));

  let selected: string | null = null;

  async function loadList(): Promise<void> {
    try {
      const people = await api<Identity[]>('GET', '/v1/identities');
      showError(error, null);
      list.replaceChildren(...people.map((p) => {
        const seen = p.lastSeen ? `last seen ${formatTime(p.lastSeen.time)} at ${context.cameraName(p.lastSeen.camera)}` : 'not seen yet';
        const link = h('a', { href: `#/people?id=${encodeURIComponent(p.id)}`, 'aria-current': p.id === selected ? 'true' : undefined }, p.name);
        return h('li', { 'data-identity': p.id }, link, h('span', { class: 'meta' }, `${p.faces} face${p.faces === 1 ? '' : 's'}, ${p.negatives} not-this-person · ${seen}`));
      }));
      if (people.length === 0) list.replaceChildren(h('li', { class: 'hint' }, 'Nobody is enrolled yet.'));
    } catch (failure) {
      showError(error, `People: ${describeError(failure)}`);
    }
  }

  const changed = (): void => {
    void loadList();
    void context.refreshIdentities();
  };

  add.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const file = firstImage(photo.files);
    if (!name.value.trim()) return showError(addError, 'A name is required.');
    if (!file) return showError(addError, 'Choose a photo (JPEG, PNG or WebP).');
    showError(addError, null);
    fileToBase64(file)
      .then((image) => api<Identity>('POST', '/v1/identities', { name: name.value.trim(), images: [image] }))
      .then((created) => {
        add.reset();
        changed();
        context.go('people', { id: created.id });
      })
      .catch((failure: unknown) => showError(addError, describeError(failure)));
  });

  return {
    show(params) {
      selected = params.get('id');
      void loadList();
      if (selected) void renderPerson(detail, selected, context, changed);
      else detail.replaceChildren(h('p', { class: 'hint' }, 'Choose a person to see the faces they were enrolled with.'));
    },
  };
}
