import { api, describeError, imageUrl } from './api.js';
import { formatTime, h, setObjectUrl, showError } from './dom.js';
import { summarize } from './event-view.js';
import { eventItem, releaseItems } from './event-item.js';
import { fileToBase64, firstImage } from './files.js';
import type { View } from './router.js';
import type { ViewContext } from './view-context.js';
import type { VigilEvent } from './types.js';
import type { FaceSearchAnswer } from './wire-types.js';

/**
 * `#/search`: every stored appearance of a face, best first. The face comes from a photo (dropped
 * on the zone, or chosen with the file button: keyboard reachable) or from a stored event (`Find
 * this face` in the feed or the history: `#/search?event=ID`).
 */
export function mountSearch(section: HTMLElement, context: ViewContext): View {
  const input = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', class: 'visually-hidden', id: 'search-file' });
  const zone = h('label', { class: 'dropzone', for: 'search-file' }, h('strong', {}, 'Drop a photo here'), h('span', {}, 'or press to choose one (JPEG, PNG, WebP)'), input);
  const minSimilarity = h('input', { type: 'number', name: 'minSimilarity', min: '0', max: '1', step: '0.05', value: '0.35' });
  const limit = h('input', { type: 'number', name: 'limit', min: '1', max: '500', step: '1', value: '50' });
  const options = h('div', { class: 'filters' }, h('label', {}, 'Similarity at least', minSimilarity), h('label', {}, 'At most', limit));
  const query = h('figure', { class: 'search-query', hidden: true }, h('img', { alt: 'The face searched for', width: '96', height: '96' }), h('figcaption', {}));
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const status = h('p', { class: 'hint', role: 'status' });
  const results = h('ol', { class: 'feed search-results', 'aria-label': 'Appearances, best match first' });
  section.classList.add('search-view');
  section.append(h('h2', { tabindex: '-1' }, 'Search by face'), zone, options, query, error, status, results);

  let generation = 0;
  let last: { eventId?: string; image?: string } | null = null;
  const [queryImg, queryCaption] = [query.querySelector('img') as HTMLImageElement, query.querySelector('figcaption') as HTMLElement];

  function showQuery(url: string | null, caption: string): void {
    setObjectUrl(queryImg, url);
    queryCaption.textContent = caption;
    query.hidden = false;
  }

  async function run(body: { eventId?: string; image?: string }): Promise<void> {
    const mine = ++generation;
    last = body;
    showError(error, null);
    releaseItems(results);
    results.replaceChildren();
    status.textContent = 'Searching…';
    try {
      const answer = await api<FaceSearchAnswer>('POST', '/v1/search/faces', { ...body, minSimilarity: Number(minSimilarity.value) || 0, limit: Math.max(1, Math.min(500, Number(limit.value) || 50)) });
      if (mine !== generation) return;
      for (const result of answer.results) results.append(eventItem(result.event as unknown as VigilEvent, context, `similarity ${result.similarity.toFixed(2)}`));
      const count = answer.results.length;
      status.textContent = `${count} appearance${count === 1 ? '' : 's'} among ${answer.searched} stored (${answer.searchMs} ms in the index).`;
    } catch (failure) {
      if (mine !== generation) return;
      status.textContent = '';
      showError(error, describeError(failure));
    }
  }

  async function searchFile(file: File | null): Promise<void> {
    if (!file) return showError(error, 'That is not a photo (JPEG, PNG or WebP).');
    showQuery(URL.createObjectURL(file), file.name);
    await run({ image: await fileToBase64(file) });
  }

  input.addEventListener('change', () => void searchFile(firstImage(input.files)).finally(() => (input.value = '')));
  zone.addEventListener('dragover', (drag) => {
    drag.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (drop) => {
    drop.preventDefault();
    zone.classList.remove('over');
    void searchFile(firstImage(drop.dataTransfer?.files));
  });
  for (const control of [minSimilarity, limit]) control.addEventListener('change', () => last && void run(last));

  return {
    show(params) {
      const eventId = params.get('event');
      if (!eventId || last?.eventId === eventId) return;
      showQuery(null, 'A stored face event');
      void run({ eventId });
      void faceOf(eventId, context).then((shown) => shown && showQuery(shown.url, shown.caption));
    },
  };
}

/** The face snapshot of the stored event searched with (GET /v1/events/{id}), for the query's picture. */
async function faceOf(eventId: string, context: ViewContext): Promise<{ url: string; caption: string } | null> {
  try {
    const event = await api<VigilEvent>('GET', `/v1/events/${encodeURIComponent(eventId)}`);
    const s = summarize(event);
    if (!s.snapshots) return null;
    return { url: await imageUrl(s.snapshots.face), caption: `${s.title} at ${context.cameraName(s.camera)}, ${formatTime(event.time)}` };
  } catch {
    return null;
  }
}
