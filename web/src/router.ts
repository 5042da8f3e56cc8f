import { h } from './dom.js';

/**
 * The dashboard's views behind one page: `#/live`, `#/history?camera=gate`, ... A view is a
 * section of the page, shown while its route is current; its module is loaded the first time it
 * is shown (same origin, so the content security policy allows it). The nav is built from the
 * registered views, in order. Pure routing (parseRoute) is tested in Node.
 */
export interface View {
  /** The route is current: render for these parameters (called again when they change). */
  show(params: URLSearchParams): void;
  /** Another route became current. */
  hide?(): void;
}

export interface ViewEntry<Context> {
  readonly id: string;
  readonly title: string;
  /** Builds the view into its section (once, on first show). */
  readonly mount: (section: HTMLElement, context: Context) => View | Promise<View>;
}

/** `#/history?camera=a` -> { id: 'history', params }; anything unrecognised -> the fallback view. Pure. */
export function parseRoute(hash: string, known: readonly string[], fallback: string): { id: string; params: URLSearchParams } {
  const match = /^#\/([a-z][a-z0-9-]*)(?:\?(.*))?$/.exec(hash);
  const id = match?.[1];
  if (!id || !known.includes(id)) return { id: fallback, params: new URLSearchParams() };
  return { id, params: new URLSearchParams(match?.[2] ?? '') };
}

/** The hash for a view and its parameters (empty ones left out). Pure. */
export function routeHash(id: string, params: Record<string, string | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') query.set(key, value);
  const text = query.toString();
  return `#/${id}${text ? `?${text}` : ''}`;
}

export class Router<Context> {
  readonly #entries: ViewEntry<Context>[];
  readonly #context: Context;
  readonly #container: HTMLElement;
  readonly #nav: HTMLElement;
  readonly #fallback: string;
  readonly #mounted = new Map<string, Promise<View>>();
  #current: string | null = null;

  constructor(entries: readonly ViewEntry<Context>[], options: { context: Context; container: HTMLElement; nav: HTMLElement; fallback: string }) {
    this.#entries = [...entries];
    this.#context = options.context;
    this.#container = options.container;
    this.#nav = options.nav;
    this.#fallback = options.fallback;
  }

  start(): void {
    this.#nav.replaceChildren(...this.#entries.map((e) => h('a', { href: routeHash(e.id), 'data-view': e.id }, e.title)));
    window.addEventListener('hashchange', () => void this.#apply());
    void this.#apply();
  }

  /** Goes to a view (a new history entry, so Back returns). */
  go(id: string, params: Record<string, string | null | undefined> = {}): void {
    location.hash = routeHash(id, params);
  }

  #section(id: string): HTMLElement {
    const existing = this.#container.querySelector<HTMLElement>(`section[data-view="${id}"]`);
    if (existing) return existing;
    const entry = this.#entries.find((e) => e.id === id);
    const section = h('section', { 'data-view': id, 'aria-label': entry?.title ?? id, hidden: true });
    this.#container.append(section);
    return section;
  }

  async #apply(): Promise<void> {
    // An in-page anchor (the skip link) is not a route: the view stays.
    if (this.#current !== null && location.hash !== '' && !location.hash.startsWith('#/')) return;
    const { id, params } = parseRoute(location.hash, this.#entries.map((e) => e.id), this.#fallback);
    const entry = this.#entries.find((e) => e.id === id) as ViewEntry<Context>;
    const previous = this.#current;
    this.#current = id;
    for (const link of this.#nav.querySelectorAll<HTMLAnchorElement>('a[data-view]')) {
      if (link.dataset.view === id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    for (const e of this.#entries) this.#section(e.id).hidden = e.id !== id;
    document.title = `${entry.title} · Vigil`;
    if (previous && previous !== id) void this.#mounted.get(previous)?.then((v) => v.hide?.());
    let view = this.#mounted.get(id);
    if (!view) {
      view = Promise.resolve(entry.mount(this.#section(id), this.#context));
      this.#mounted.set(id, view);
    }
    (await view).show(params);
    // A new view was chosen (not a parameter change): its heading takes the focus, for keyboards and screen readers.
    if (previous !== id && previous !== null) this.#section(id).querySelector<HTMLElement>('h2')?.focus();
  }
}
