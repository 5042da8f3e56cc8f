import { imageUrl } from './api.js';
import { formatTime, h, setObjectUrl } from './dom.js';
import { asFaceEvent, summarize } from './event-view.js';
import type { ViewContext } from './view-context.js';
import type { VigilEvent } from './types.js';

/**
 * One stored event as a list item (history list, search results): its face snapshot (fetched with
 * the token, shown from memory), who or what, camera and time, and buttons to open the full frame
 * and to search for the face. `extra` is shown after the title (a similarity score).
 */
export function eventItem(event: VigilEvent, context: ViewContext, extra: string | null = null): HTMLLIElement {
  const s = summarize(event);
  const camera = context.cameraName(s.camera);
  const time = formatTime(event.time);
  const img = h('img', { alt: '', decoding: 'async', width: '64', height: '64' });
  const open = h('button', { type: 'button', class: 'thumb', 'aria-label': `Open the full frame: ${s.title} at ${camera}, ${time}` }, img);
  const item = h('li', { class: `event ${s.kind}`, 'data-event-id': event.id, 'data-event-type': s.kind },
    s.snapshots ? open : h('span', { class: 'thumb placeholder', 'aria-hidden': 'true' }),
    h('div', { class: 'event-body' },
      h('p', { class: 'who' }, h('strong', { class: 'identity' }, s.title), extra ? h('span', { class: 'similarity' }, extra) : s.detail ? h('span', { class: 'similarity' }, s.detail) : null),
      h('p', { class: 'meta' }, h('span', { class: 'camera' }, camera), ' · ', h('time', { datetime: event.time }, time))));
  if (s.snapshots) {
    open.addEventListener('click', () => context.openFrame(asFaceEvent(event)));
    imageUrl(s.snapshots.face)
      .then((url) => (item.dataset.released ? URL.revokeObjectURL(url) : setObjectUrl(img, url)))
      .catch(() => item.classList.add('no-snapshot'));
  }
  if (s.searchable) {
    const find = h('button', { type: 'button', class: 'find', 'aria-label': `Find every appearance of this face (${s.title}, ${camera}, ${time})` }, 'Find this face');
    find.addEventListener('click', () => context.go('search', { event: event.id }));
    item.querySelector('.event-body')?.append(find);
  }
  return item;
}

/** Releases the items' snapshot object URLs before they are dropped. */
export function releaseItems(list: HTMLElement): void {
  for (const item of list.querySelectorAll<HTMLElement>('li.event')) item.dataset.released = 'true';
  for (const img of list.querySelectorAll('img')) setObjectUrl(img, null);
}
