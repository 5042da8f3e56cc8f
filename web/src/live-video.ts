import { api } from './api.js';
import { getToken } from './auth.js';
import { h } from './dom.js';
import { LiveOverlay } from './live-overlay.js';
import { LiveSource } from './live-source.js';
import { MEDIA_INIT, TimeMap, describeCodec, facesFor, parseSegment, type LiveFaces } from './live-video-wire.js';

export type LiveVideoState = 'connecting' | 'waiting' | 'playing' | 'unsupported' | 'error' | 'closed';

export interface LiveVideoOptions {
  readonly onState?: (state: LiveVideoState, detail: string) => void;
}

/** Close codes after which retrying cannot help (README "Live video"). */
const FINAL_CLOSES = new Set([4404, 4415, 4421, 4429]);
/** Analyses kept for the overlay, and how long boxes stay up after theirs (the analysis rate is lower than the video's). */
const FACES_KEPT = 50;
const FACES_HOLD_MS = 500;
const TICK_MS = 250;

interface ControlMessage {
  readonly kind: string;
  readonly codec?: string;
  readonly mime?: string;
  readonly state?: string;
  readonly reason?: string | null;
  readonly code?: string;
  readonly message?: string;
  readonly segments?: number;
  readonly capturedAt?: number;
  readonly boxes?: LiveFaces['boxes'];
}

/**
 * A camera's live video: the camera's own H.264/H.265, remuxed by the gateway (never re-encoded),
 * over the authenticated `/v1/cameras/{id}/live` WebSocket into Media Source Extensions, with the
 * latest analysis' face boxes drawn over it. `new LiveVideo(container, id).start()` puts the
 * player in the container; `close()` takes it away. Reconnects when the socket drops; says so,
 * in the player, when the browser cannot play the codec or the gateway refuses.
 */
export class LiveVideo {
  readonly element: HTMLElement;
  readonly video: HTMLVideoElement;
  readonly #container: HTMLElement;
  readonly #cameraId: string;
  readonly #options: LiveVideoOptions;
  readonly #note: HTMLElement;
  readonly #overlay: LiveOverlay;
  readonly #times = new TimeMap();
  #faces: LiveFaces[] = [];
  #socket: WebSocket | null = null;
  #source: LiveSource | null = null;
  #tick: ReturnType<typeof setInterval> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #closed = true;
  #final = false;

  constructor(container: HTMLElement, cameraId: string, options: LiveVideoOptions = {}) {
    this.#container = container;
    this.#cameraId = cameraId;
    this.#options = options;
    this.video = h('video', { muted: true, playsinline: true, autoplay: true, 'aria-label': `Live video of camera ${cameraId}` });
    this.video.muted = true;
    this.#note = h('p', { class: 'live-note', role: 'status', 'aria-live': 'polite' }, 'Connecting…');
    this.#overlay = new LiveOverlay(this.video, (mediaTime) => {
      const wall = this.#times.wallAt(mediaTime);
      if (wall !== null) this.element.dataset.delayMs = String(Math.round(Date.now() - wall));
      return wall === null ? null : facesFor(this.#faces, wall, FACES_HOLD_MS);
    });
    this.element = h('div', { class: 'live-video', 'data-state': 'connecting', 'data-frames': '0' }, this.video, this.#overlay.canvas, this.#note);
  }

  start(): void {
    if (!this.#closed) return;
    this.#closed = false;
    this.#final = false;
    this.#container.append(this.element);
    this.#overlay.start();
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    if (this.#tick) clearInterval(this.#tick);
    if (this.#retry) clearTimeout(this.#retry);
    this.#tick = this.#retry = null;
    this.#overlay.stop();
    this.#dropSocket();
    this.#source?.close();
    this.#source = null;
    this.element.remove();
    this.#setState('closed', '');
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = getToken();
    // The token travels as a subprotocol, never in the URL.
    const socket = new WebSocket(`${scheme}//${location.host}/v1/cameras/${encodeURIComponent(this.#cameraId)}/live`, token ? ['vigil.live', `bearer.${token}`] : ['vigil.live']);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    this.#setState('connecting', this.#attempt > 0 ? `attempt ${this.#attempt + 1}` : '');
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#attempt = 0;
      this.#setState('waiting', 'waiting for the camera');
    };
    socket.onmessage = (message) => (typeof message.data === 'string' ? this.#control(message.data) : this.#media(message.data as ArrayBuffer));
    socket.onclose = (close) => {
      if (this.#socket !== socket || this.#closed) return;
      this.#socket = null;
      if (this.#final || FINAL_CLOSES.has(close.code)) return;
      // Refused before opening: maybe the token; a plain API call asks for one if so.
      if (!opened) void api('GET', `/v1/cameras/${encodeURIComponent(this.#cameraId)}`).catch(() => undefined);
      const delay = Math.min(10_000, 500 * 2 ** this.#attempt);
      this.#attempt += 1;
      this.#setState('connecting', `connection lost; retrying in ${Math.ceil(delay / 1000)} s`);
      this.#retry = setTimeout(() => !this.#closed && this.#connect(), delay);
    };
  }

  #control(text: string): void {
    let m: ControlMessage;
    try {
      m = JSON.parse(text) as ControlMessage;
    } catch {
      return;
    }
    if (m.kind === 'init' && m.mime && m.codec) this.#init(m.mime, m.codec);
    else if (m.kind === 'faces' && typeof m.capturedAt === 'number' && m.boxes) {
      this.#faces.push({ capturedAt: m.capturedAt, boxes: m.boxes });
      if (this.#faces.length > FACES_KEPT) this.#faces.shift();
    } else if (m.kind === 'status' && m.state && m.state !== 'streaming') this.#setState('waiting', `camera ${m.state}${m.reason ? `: ${m.reason}` : ''}`);
    else if (m.kind === 'skipped') this.#notice(`Fell behind; skipped ${m.segments ?? '?'} segment(s) and resumed at a key frame.`);
    else if (m.kind === 'error') {
      this.#final = true;
      this.#setState(m.code === 'VIGIL_ERR_LIVE_UNSUPPORTED' || m.code === 'VIGIL_ERR_LIVE_UNAVAILABLE' ? 'unsupported' : 'error', `${m.code ?? 'error'}: ${m.message ?? ''}`);
    }
  }

  /** A new stream: a new MediaSource, if this browser can play its codec. */
  #init(mime: string, codec: string): void {
    this.#source?.close();
    this.#source = null;
    this.#times.clear();
    this.#faces = [];
    if (typeof MediaSource === 'undefined' || !MediaSource.isTypeSupported(mime)) {
      this.#final = true;
      this.#dropSocket();
      this.#setState('unsupported', `This browser cannot play ${describeCodec(codec)} video (${typeof MediaSource === 'undefined' ? 'no Media Source Extensions' : 'MediaSource.isTypeSupported is false'}). Use a browser that plays it, or set the camera to H.264.`);
      return;
    }
    this.element.dataset.codec = codec;
    this.#source = new LiveSource(this.video, mime);
  }

  #media(buffer: ArrayBuffer): void {
    const segment = parseSegment(buffer);
    if (!segment || !this.#source) return;
    if (!(segment.flags & MEDIA_INIT)) this.#times.add(segment.mediaSeconds, segment.wallMs);
    this.#source.append(segment);
  }

  #onTick(): void {
    const source = this.#source;
    if (!source) return;
    source.tick();
    if (source.failure) this.#notice(`Playback problem: ${source.failure}`);
    const frames = this.video.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
    this.element.dataset.frames = String(frames);
    if (frames > 0 && !this.video.paused && this.element.dataset.state !== 'playing') this.#setState('playing', '');
  }

  #notice(text: string): void {
    this.#note.textContent = text;
    this.#note.hidden = false;
  }

  #setState(state: LiveVideoState, detail: string): void {
    this.element.dataset.state = state;
    this.#note.textContent = detail || (state === 'connecting' ? 'Connecting…' : '');
    this.#note.hidden = state === 'playing' || !this.#note.textContent;
    this.#options.onState?.(state, detail);
  }

  #dropSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.close(1000, 'viewer closed');
  }
}
