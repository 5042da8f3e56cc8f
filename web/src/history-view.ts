import { api, describeError } from './api.js';
import { h, showError } from './dom.js';
import { eventItem, releaseItems } from './event-item.js';
import { EMPTY_STATE, eventsQuery, fromLocalInput, nextPageQuery, stateFromParams, stateToParams, timelineQuery, toLocalInput, type HistoryState } from './history-query.js';
import { routeHash, type View } from './router.js';
import { renderTimeline } from './timeline-chart.js';
import type { ViewContext } from './view-context.js';
import type { VigilEvent } from './types.js';
import type { EventTimeline } from './wire-types.js';

const PAGE = 50;
const BUCKETS = 48;
/** Items in the list at most: past it, the range has to be narrowed (the page stays fast). */
const MAX_ITEMS = 1000;

function field(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', {}, label, control);
}

/**
 * `#/history`: the stored events of every run (they survive restarts), filtered by camera,
 * identity, unknown faces only and time; a timeline per camera over the range (a bar narrows the
 * list to its time); the list newest first, one page at a time ("Older events" follows the API's
 * cursor). The filter lives in the route, so a link or the Back button restores it.
 */
export function mountHistory(section: HTMLElement, context: ViewContext): View {
  const camera = h('select', { name: 'camera' });
  const identity = h('select', { name: 'identity' });
  const unknown = h('input', { type: 'checkbox', name: 'unknown' });
  const from = h('input', { type: 'datetime-local', name: 'from' });
  const to = h('input', { type: 'datetime-local', name: 'to' });
  const form = h('form', { class: 'filters history-filters', 'aria-label': 'History filters' },
    field('Camera', camera), field('Identity', identity), h('label', { class: 'check' }, unknown, ' Unknown faces only'), field('From', from), field('To', to),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show'), h('button', { type: 'button', class: 'clear' }, 'Clear')));
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const timeline = h('div', { class: 'timeline', 'aria-label': 'Faces per camera over time' });
  const list = h('ol', { class: 'feed history-list', 'aria-label': 'Stored events, newest first', 'aria-busy': 'false' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Older events');
  const status = h('p', { class: 'hint', role: 'status' });
  section.classList.add('history-view');
  section.append(
    h('h2', { tabindex: '-1' }, 'History'),
    form, error,
    h('h3', {}, 'Timeline'), timeline,
    h('h3', {}, 'Events'), status, list, more,
  );

  let state: HistoryState = EMPTY_STATE;
  let cursor: string | null = null;
  let generation = 0;

  const options = (select: HTMLSelectElement, entries: readonly [string, string][], value: string | null): void => {
    select.replaceChildren(...entries.map(([v, label]) => h('option', { value: v }, label)));
    select.value = value && entries.some(([v]) => v === value) ? value : '';
  };
  const fillForm = (): void => {
    options(camera, [['', 'All cameras'], ...context.cameras().map((c): [string, string] => [c.id, c.name || c.id])], state.camera);
    const people = [...context.identities()].sort((a, b) => a[1].localeCompare(b[1]));
    options(identity, [['', 'Everyone'], ...people], state.identity);
    unknown.checked = state.unknown;
    identity.disabled = state.unknown;
    from.value = toLocalInput(state.from);
    to.value = toLocalInput(state.to);
  };

  const append = (events: readonly VigilEvent[]): void => {
    for (const event of events) list.append(eventItem(event, context));
  };

  async function load(): Promise<void> {
    const mine = ++generation;
    showError(error, null);
    releaseItems(list);
    list.replaceChildren();
    list.setAttribute('aria-busy', 'true');
    more.hidden = true;
    status.textContent = 'Loading…';
    try {
      const [page, counts] = await Promise.all([
        api<{ events: VigilEvent[]; next: string | null }>('GET', eventsQuery(state, PAGE)),
        api<EventTimeline>('GET', timelineQuery(state, Date.now(), BUCKETS)),
      ]);
      if (mine !== generation) return;
      renderTimeline(timeline, counts, context.cameraName, (start, end) => context.go('history', stateToParams({ ...state, from: start, to: end })));
      append(page.events);
      cursor = page.next;
      more.hidden = !cursor;
      status.textContent = page.events.length === 0 ? 'No stored events match.' : '';
    } catch (failure) {
      if (mine === generation) showError(error, `History: ${describeError(failure)}`);
      status.textContent = '';
    } finally {
      if (mine === generation) list.setAttribute('aria-busy', 'false');
    }
  }

  more.addEventListener('click', () => {
    if (!cursor) return;
    const mine = generation;
    more.disabled = true;
    api<{ events: VigilEvent[]; next: string | null }>('GET', nextPageQuery(cursor, PAGE))
      .then((page) => {
        if (mine !== generation) return;
        const first = list.children.length;
        append(page.events);
        cursor = page.next;
        more.hidden = !cursor || list.children.length >= MAX_ITEMS;
        if (cursor && list.children.length >= MAX_ITEMS) status.textContent = `The newest ${MAX_ITEMS} are listed: narrow the time range (a timeline bar) to see older ones.`;
        // Keyboard users continue where the new events start.
        list.children[first]?.querySelector<HTMLElement>('button')?.focus();
      })
      .catch((failure: unknown) => showError(error, `History: ${describeError(failure)}`))
      .finally(() => (more.disabled = false));
  });
  unknown.addEventListener('change', () => (identity.disabled = unknown.checked));
  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const next: HistoryState = { camera: camera.value || null, identity: identity.value || null, unknown: unknown.checked, from: fromLocalInput(from.value), to: fromLocalInput(to.value) };
    // The same filter again (no route change): read it again anyway, newer events may have come.
    if (routeHash('history', stateToParams(next)) === location.hash) void load();
    else context.go('history', stateToParams(next));
  });
  form.querySelector('button.clear')?.addEventListener('click', () => context.go('history'));

  return {
    show(params) {
      state = stateFromParams(params);
      fillForm();
      void load();
    },
    hide() {
      generation++;
    },
  };
}
