import { api, describeError } from './api.js';
import { formatTime, h, showError } from './dom.js';
import { bands, barsPath, linePath, niceMax } from './health-chart-svg.js';
import { Poller } from './poller.js';
import type { CameraHealthSummary, CameraHealthView } from './wire-types.js';

const POLL_MS = 10_000;
const SVG = 'http://www.w3.org/2000/svg';
/** The charts' viewBox: one unit per 10 s bucket of the hour. */
const W = 360;
const H = 40;
/** The time axis spans at least this many buckets (10 minutes), so a young series is not a sliver. */
const MIN_SPAN = 60;

export interface HealthChartsOptions {
  /** A camera's display name (the grid knows it). */
  readonly nameOf?: (id: string) => string;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

interface Series {
  readonly title: string;
  readonly now: string;
  readonly kind: 'line' | 'bars';
  readonly values: readonly (number | null)[];
  readonly max: number;
  /** A dashed reference line (the configured fps). */
  readonly reference?: number;
}

/**
 * Per-camera health over the last hour, from the gateway's memory (`GET /v1/health/cameras`, then
 * `GET /v1/cameras/{id}/health` per camera, every 10 s): analysed fps against the configured rate,
 * drops, frame age at analysis (p95), reconnects, as small inline SVG charts; buckets in trouble
 * are shaded, idle ones greyed, and a camera in trouble comes first and says since when.
 */
export class HealthCharts {
  readonly #root: HTMLElement;
  readonly #options: HealthChartsOptions;
  readonly #error: HTMLElement;
  readonly #list: HTMLElement;
  readonly #poller = new Poller(() => this.#load(), POLL_MS);

  constructor(root: HTMLElement, options: HealthChartsOptions = {}) {
    this.#root = root;
    this.#options = options;
    this.#error = h('p', { class: 'error', role: 'alert', hidden: true });
    this.#list = h('div', { class: 'health-list' });
    root.replaceChildren(this.#error, this.#list);
  }

  start(): void {
    this.#poller.start();
  }

  stop(): void {
    this.#poller.stop();
  }

  refresh(): Promise<void> {
    return this.#poller.now();
  }

  async #load(): Promise<void> {
    try {
      const summaries = await api<CameraHealthSummary[]>('GET', '/v1/health/cameras');
      const views = await Promise.all(summaries.map((s) => api<CameraHealthView>('GET', `/v1/cameras/${encodeURIComponent(s.camera)}/health?window=1h`).catch(() => null)));
      const cards = summaries
        .map((summary, i) => ({ summary, view: views[i] ?? null }))
        .sort((a, b) => Number(b.summary.trouble) - Number(a.summary.trouble) || this.#name(a.summary.camera).localeCompare(this.#name(b.summary.camera)))
        .map(({ summary, view }) => this.#card(summary, view));
      this.#list.replaceChildren(...cards);
      this.#root.dataset.cameras = String(cards.length);
      this.#root.dataset.trouble = String(summaries.filter((s) => s.trouble).length);
      showError(this.#error, null);
    } catch (error) {
      showError(this.#error, `Camera health: ${describeError(error)}`);
    }
  }

  #name(id: string): string {
    return this.#options.nameOf?.(id) ?? id;
  }

  #card(s: CameraHealthSummary, view: CameraHealthView | null): HTMLElement {
    const status = s.trouble
      ? `In trouble${s.troubleSince ? ` since ${formatTime(s.troubleSince)}` : ''}: ${s.reasons.join(', ')}`
      : s.lastTroubleAt
        ? `OK (last trouble ended ${formatTime(s.lastTroubleAt)})`
        : 'OK for the last hour';
    const title = `health-${s.camera}-title`;
    const card = h('article', { class: 'health-card', 'data-camera': s.camera, 'data-trouble': String(s.trouble), 'aria-labelledby': title },
      h('header', {}, h('h3', { id: title }, this.#name(s.camera)), h('span', { class: `badge state-${s.state}` }, s.state)),
      h('p', { class: s.trouble ? 'health-status bad' : 'health-status' }, status));
    if (!view) return card;
    const ages = view.frameAgeP95Ms.filter((v): v is number => v !== null);
    const series: Series[] = [
      { title: 'Analysed fps', now: `${s.analysedFps.toFixed(1)} of ${s.expectedFps}`, kind: 'line', values: view.analysedFps, max: niceMax(Math.max(s.expectedFps, ...view.analysedFps)), reference: s.expectedFps },
      { title: 'Drops', now: `${s.droppedLastHour}/h`, kind: 'bars', values: view.dropped, max: niceMax(Math.max(...view.dropped)) },
      { title: 'Frame age p95', now: s.frameAgeP95Ms === null ? '–' : `${Math.round(s.frameAgeP95Ms)} ms`, kind: 'line', values: view.frameAgeP95Ms, max: niceMax(Math.max(100, ...ages)) },
      { title: 'Reconnects', now: `${s.reconnectsLastHour}/h`, kind: 'bars', values: view.reconnects, max: niceMax(Math.max(...view.reconnects)) },
    ];
    const trouble = view.troubleReasons.map((r) => r.length > 0);
    card.append(h('div', { class: 'health-charts' }, ...series.map((one) => this.#chart(one, trouble, view.idle))), h('p', { class: 'health-axis', 'aria-hidden': 'true' }, h('span', {}, `${Math.round((Math.max(MIN_SPAN, view.analysedFps.length) * view.bucketMs) / 60_000)} min ago`), h('span', {}, 'now')));
    return card;
  }

  #chart(series: Series, trouble: readonly boolean[], idle: readonly boolean[]): HTMLElement {
    const n = series.values.length;
    // Right-aligned on a time axis of the hour (at least ten minutes): now is always at the right edge.
    const width = (W * n) / Math.max(MIN_SPAN, n);
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${series.title} over the last hour: now ${series.now}` });
    const g = svg('g', { transform: `translate(${W - width} 0)` });
    for (const [x, w] of bands(idle as boolean[], width)) g.append(svg('rect', { class: 'band-idle', x, y: 0, width: w, height: H }));
    for (const [x, w] of bands(trouble as boolean[], width)) g.append(svg('rect', { class: 'band-trouble', x, y: 0, width: w, height: H }));
    if (series.reference !== undefined) {
      const y = H - (series.reference / series.max) * H;
      g.append(svg('line', { class: 'reference', x1: 0, x2: width, y1: y, y2: y }));
    }
    const d = series.kind === 'line' ? linePath(series.values, width, H, series.max) : barsPath(series.values as number[], width, H, series.max);
    g.append(svg('path', { class: series.kind, d }));
    chart.append(g);
    return h('figure', { class: 'health-chart', 'data-series': series.title }, h('figcaption', {}, `${series.title} `, h('span', { class: 'now' }, series.now)), chart);
  }
}
