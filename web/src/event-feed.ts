import { imageUrl } from './api.js';
import { formatTime, h, setObjectUrl } from './dom.js';
import { EventStore, faceData, formatSimilarity, type FeedFilter } from './event-store.js';
import { RECOGNIZED, type VigilEvent } from './types.js';

/** DOM items in the feed, at most: the list stays fast however long the page is open. */
export const FEED_ITEMS = 200;

export interface FeedHandlers {
  readonly open: (event: VigilEvent) => void;
  readonly enrol: (event: VigilEvent) => void;
  /** Search the stored history for this face (the search view). */
  readonly find?: (event: VigilEvent) => void;
  readonly cameraName: (id: string) => string;
}

/** The live list of recognized/unknown faces, newest first, filtered, bounded. */
export class EventFeed {
  readonly #list: HTMLElement;
  readonly #store: EventStore;
  readonly #handlers: FeedHandlers;
  readonly #items = new Map<string, HTMLElement>();
  /** Per item: puts the camera's current name in it (events can arrive before the camera list). */
  readonly #renamers = new Map<string, () => void>();
  #filter: FeedFilter = { camera: null, identity: null };

  constructor(list: HTMLElement, store: EventStore, handlers: FeedHandlers) {
    this.#list = list;
    this.#store = store;
    this.#handlers = handlers;
  }

  get filter(): FeedFilter {
    return this.#filter;
  }

  setFilter(filter: FeedFilter): void {
    this.#filter = filter;
    this.render();
  }

  add(event: VigilEvent): void {
    if (this.#store.add(event)) this.render();
  }

  /** Keyed update: removes items that fell out, adds new ones, keeps order; at most FEED_ITEMS. */
  render(): void {
    const wanted = this.#store.matching(this.#filter, FEED_ITEMS);
    const keep = new Set(wanted.map((e) => e.id));
    for (const [id, item] of this.#items) {
      if (keep.has(id)) continue;
      const img = item.querySelector('img');
      if (img) setObjectUrl(img, null);
      item.remove();
      this.#items.delete(id);
      this.#renamers.delete(id);
    }
    let previous: Element | null = null;
    for (const event of wanted) {
      let item = this.#items.get(event.id);
      if (!item) {
        item = this.#item(event);
        this.#items.set(event.id, item);
      }
      const expected: Element | null = previous ? previous.nextElementSibling : this.#list.firstElementChild;
      if (expected !== item) this.#list.insertBefore(item, expected);
      previous = item;
    }
    this.#list.dataset.count = String(wanted.length);
  }

  /** The camera list changed: show the names it gives in the items already on screen. */
  renameCameras(): void {
    for (const rename of this.#renamers.values()) rename();
  }

  #item(event: VigilEvent): HTMLElement {
    const data = faceData(event);
    const recognized = event.type === RECOGNIZED;
    const who = recognized ? (data.identity?.name ?? 'recognized') : 'Unknown';
    const time = formatTime(event.time);
    const img = h('img', { alt: '', decoding: 'async', width: '64', height: '64' });
    const thumb = h('button', { type: 'button', class: 'thumb' }, img);
    thumb.addEventListener('click', () => this.#handlers.open(event));
    const similarity = formatSimilarity(data.similarity);
    const item = h('li', { class: `event ${recognized ? 'recognized' : 'unknown'}`, 'data-event-id': event.id, 'data-event-type': recognized ? 'recognized' : 'unknown' },
      thumb,
      h('div', { class: 'event-body' },
        h('p', { class: 'who' }, h('strong', { class: 'identity' }, who), similarity ? h('span', { class: 'similarity', title: 'cosine similarity to the enrolled faces' }, `similarity ${similarity}`) : null),
        h('p', { class: 'meta' }, h('span', { class: 'camera' }), ' · ', h('time', { datetime: event.time }, time))));
    const enrol = !recognized && data.trackId ? h('button', { type: 'button', class: 'enrol operator-only' }, 'Enrol as…') : null;
    if (enrol) {
      enrol.addEventListener('click', () => this.#handlers.enrol(event));
      item.querySelector('.event-body')?.append(enrol);
    }
    const find = this.#handlers.find;
    if (find) {
      const button = h('button', { type: 'button', class: 'find' }, 'Find this face');
      button.addEventListener('click', () => find(event));
      item.querySelector('.event-body')?.append(button);
    }
    const rename = (): void => {
      const camera = this.#handlers.cameraName(data.camera);
      const shown = item.querySelector('.camera');
      if (shown && shown.textContent === camera) return;
      if (shown) shown.textContent = camera;
      thumb.setAttribute('aria-label', `Open the full frame: ${who} at ${camera}, ${time}`);
      enrol?.setAttribute('aria-label', `Enrol this unknown face from ${camera}, ${time}`);
      item.querySelector('button.find')?.setAttribute('aria-label', `Find every appearance of this face (${who}, ${camera}, ${time})`);
    };
    rename();
    this.#renamers.set(event.id, rename);
    const face = data.snapshots?.face;
    if (face) {
      imageUrl(face)
        .then((url) => {
          if (this.#items.get(event.id) === item) setObjectUrl(img, url);
          else URL.revokeObjectURL(url);
        })
        .catch(() => item.classList.add('no-snapshot'));
    } else item.classList.add('no-snapshot');
    return item;
  }
}
