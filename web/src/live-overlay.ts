import type { LiveFaces } from './live-video-wire.js';

/** The parts of requestVideoFrameCallback's metadata used here (not in every DOM lib yet). */
interface FrameMetadata {
  readonly mediaTime: number;
}
type FrameCallbackVideo = HTMLVideoElement & { requestVideoFrameCallback?(callback: (now: number, metadata: FrameMetadata) => void): number; cancelVideoFrameCallback?(handle: number): void };

/**
 * Face boxes drawn on a canvas over the live <video>, per picture shown: for each frame the
 * browser presents (requestVideoFrameCallback, else every animation frame) it asks `facesAt` for
 * the boxes of that picture's time and draws them where the picture is (object-fit: contain).
 * `data-faces` says how many boxes are drawn (the browser tests read it).
 */
export class LiveOverlay {
  readonly canvas: HTMLCanvasElement;
  readonly #video: FrameCallbackVideo;
  readonly #facesAt: (mediaTime: number) => LiveFaces | null;
  #handle: number | null = null;
  #useFrameCallback: boolean;
  #stopped = false;

  constructor(video: HTMLVideoElement, facesAt: (mediaTime: number) => LiveFaces | null) {
    this.#video = video as FrameCallbackVideo;
    this.#facesAt = facesAt;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'live-overlay';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.canvas.dataset.faces = '0';
    this.#useFrameCallback = typeof this.#video.requestVideoFrameCallback === 'function';
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#handle === null) return;
    if (this.#useFrameCallback) this.#video.cancelVideoFrameCallback?.(this.#handle);
    else cancelAnimationFrame(this.#handle);
    this.#handle = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#useFrameCallback) this.#handle = this.#video.requestVideoFrameCallback!((_now, meta) => this.#frame(meta.mediaTime));
    else this.#handle = requestAnimationFrame(() => this.#frame(this.#video.currentTime));
  }

  #frame(mediaTime: number): void {
    this.#handle = null;
    this.#draw(this.#facesAt(mediaTime));
    this.#schedule();
  }

  #draw(faces: LiveFaces | null): void {
    const video = this.#video;
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(video.clientWidth * ratio);
    const height = Math.round(video.clientHeight * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const boxes = faces?.boxes ?? [];
    canvas.dataset.faces = String(boxes.length);
    if (boxes.length === 0 || !video.videoWidth || !video.videoHeight) return;
    // Where the picture is inside the element (object-fit: contain: bars on two sides).
    const scale = Math.min(width / video.videoWidth, height / video.videoHeight);
    const pw = video.videoWidth * scale;
    const ph = video.videoHeight * scale;
    const px = (width - pw) / 2;
    const py = (height - ph) / 2;
    ctx.lineWidth = Math.max(2, 2 * ratio);
    ctx.strokeStyle = '#5fd38d';
    ctx.fillStyle = '#5fd38d';
    ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
    for (const b of boxes) {
      const x = px + b.x * pw;
      const y = py + b.y * ph;
      ctx.strokeRect(x, y, b.w * pw, b.h * ph);
      ctx.fillText(b.score.toFixed(2), x + 2 * ratio, Math.max(12 * ratio, y - 3 * ratio));
    }
  }
}
