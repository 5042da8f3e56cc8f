import { formatTime, h } from './dom.js';
import type { EventTimeline } from './wire-types.js';

interface Row {
  readonly camera: string;
  readonly recognized: number[];
  readonly unknown: number[];
}

/** Per camera, recognized and unknown counts per bucket (other types are not drawn). No DOM. */
export function timelineRows(timeline: EventTimeline): Row[] {
  const rows = new Map<string, Row>();
  const length = timeline.series[0]?.counts.length ?? 0;
  for (const s of timeline.series) {
    let row = rows.get(s.camera);
    if (!row) rows.set(s.camera, (row = { camera: s.camera, recognized: new Array<number>(length).fill(0), unknown: new Array<number>(length).fill(0) }));
    const into = s.type === 'vigil.face.recognized' ? row.recognized : s.type === 'vigil.face.unknown' ? row.unknown : null;
    if (into) s.counts.forEach((n, i) => (into[i] = (into[i] ?? 0) + n));
  }
  return [...rows.values()];
}

/**
 * The timeline per camera: one row of bars per camera, a bar per bucket (its height the faces seen
 * then, recognized below, unknown above). A bar is a button: it narrows the list to its time.
 * One tab stop per row; the arrow keys move along it (Home, End too).
 */
export function renderTimeline(root: HTMLElement, timeline: EventTimeline, cameraName: (id: string) => string, pick: (from: number, to: number) => void): void {
  const rows = timelineRows(timeline);
  const from = Date.parse(timeline.from);
  const max = Math.max(1, ...rows.flatMap((r) => r.recognized.map((n, i) => n + (r.unknown[i] ?? 0))));
  if (rows.length === 0) {
    root.replaceChildren(h('p', { class: 'empty-note' }, 'No faces in this time range.'));
    return;
  }
  const body = rows.map((row) => {
    const name = cameraName(row.camera);
    const bars = row.recognized.map((recognized, i) => {
      const unknown = row.unknown[i] ?? 0;
      const start = from + i * timeline.bucketMs;
      const end = start + timeline.bucketMs;
      const label = `${name}, ${formatTime(new Date(start).toISOString())} to ${formatTime(new Date(end).toISOString())}: ${recognized} recognized, ${unknown} unknown`;
      // Heights through the CSSOM: the page's content security policy refuses style attributes.
      const unknownPart = h('span', { class: 'bar-unknown' });
      unknownPart.style.height = `${(unknown / max) * 100}%`;
      const recognizedPart = h('span', { class: 'bar-recognized' });
      recognizedPart.style.height = `${(recognized / max) * 100}%`;
      const bar = h('button', { type: 'button', class: 'bar', title: label, 'aria-label': label, tabindex: i === 0 ? '0' : '-1', 'data-count': String(recognized + unknown) }, unknownPart, recognizedPart);
      bar.addEventListener('click', () => pick(start, end));
      return bar;
    });
    const track = h('div', { class: 'bars', role: 'group', 'aria-label': `${name}: faces over time` }, ...bars);
    track.addEventListener('keydown', (key) => moveFocus(bars, key));
    return h('div', { class: 'timeline-row', 'data-camera': row.camera }, h('span', { class: 'timeline-camera' }, name), track);
  });
  const axis = h('div', { class: 'timeline-axis' }, h('span', {}, formatTime(timeline.from)), h('span', {}, formatTime(timeline.to)));
  root.replaceChildren(...body, axis);
}

function moveFocus(bars: readonly HTMLButtonElement[], key: KeyboardEvent): void {
  const at = bars.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  const next = key.key === 'ArrowRight' ? at + 1 : key.key === 'ArrowLeft' ? at - 1 : key.key === 'Home' ? 0 : key.key === 'End' ? bars.length - 1 : null;
  if (next === null) return;
  key.preventDefault();
  const target = bars[Math.max(0, Math.min(bars.length - 1, next))];
  if (!target) return;
  for (const bar of bars) bar.tabIndex = -1;
  target.tabIndex = 0;
  target.focus();
}
