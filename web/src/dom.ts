/** A tiny element builder: enough to avoid innerHTML (no markup from data, so no injection). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Shows a message in an in-place error slot (role="alert"), or clears it. */
export function showError(slot: HTMLElement, message: string | null): void {
  slot.textContent = message ?? '';
  slot.hidden = !message;
}

/** Swaps an <img>'s object URL, releasing the previous one. */
export function setObjectUrl(img: HTMLImageElement, url: string | null): void {
  const previous = img.dataset.objectUrl;
  if (url) {
    img.src = url;
    img.dataset.objectUrl = url;
  } else {
    img.removeAttribute('src');
    delete img.dataset.objectUrl;
  }
  if (previous && previous !== url) URL.revokeObjectURL(previous);
}

/** Local time of day, HH:MM:SS, with the date when not today. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString([], { hour12: false });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString()} ${time}`;
}
