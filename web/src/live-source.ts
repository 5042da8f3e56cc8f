import { MEDIA_INIT, MEDIA_KEY, liveEdge, type LiveSegment } from './live-video-wire.js';

/** Appended but not yet played, at most: beyond, the player drops to the next key frame. */
const MAX_QUEUE_BYTES = 16 * 1024 * 1024;
/** Video kept behind the playing position; older is removed from the buffer. */
const KEEP_BEHIND_S = 6;

/**
 * One stream (one init segment) in a <video> through Media Source Extensions: segments appended
 * in order, one at a time; the buffer behind the playing position trimmed; the position kept
 * near the live edge (liveEdge) and moved over holes (a viewer that fell behind resumes at a
 * later key frame). A new stream (the camera reconnected) gets a new LiveSource.
 */
export class LiveSource {
  readonly #video: HTMLVideoElement;
  readonly #mediaSource = new MediaSource();
  readonly #url: string;
  readonly #mime: string;
  #buffer: SourceBuffer | null = null;
  #queue: Uint8Array[] = [];
  #queueBytes = 0;
  #awaitKey = false;
  #closed = false;
  #started = false;
  /** Why appending failed, once (shown by the player). */
  failure: string | null = null;

  constructor(video: HTMLVideoElement, mime: string) {
    this.#video = video;
    this.#mime = mime;
    this.#url = URL.createObjectURL(this.#mediaSource);
    this.#mediaSource.addEventListener('sourceopen', () => this.#open(), { once: true });
    video.src = this.#url;
  }

  append(segment: LiveSegment): void {
    if (this.#closed) return;
    const init = (segment.flags & MEDIA_INIT) !== 0;
    if (this.#awaitKey && !init) {
      if (!(segment.flags & MEDIA_KEY)) return;
      this.#awaitKey = false;
    }
    if (this.#queueBytes + segment.data.byteLength > MAX_QUEUE_BYTES && !init) {
      // The browser is not keeping up with appending: start again at the next key frame.
      this.#queue = this.#queue.filter((_, i) => i === 0 && !this.#started);
      this.#queueBytes = this.#queue.reduce((n, d) => n + d.byteLength, 0);
      this.#awaitKey = true;
      return;
    }
    this.#queue.push(segment.data);
    this.#queueBytes += segment.data.byteLength;
    this.#pump();
  }

  /** Called a few times a second: stay near the live edge, jump over holes, trim behind. */
  tick(): void {
    const video = this.#video;
    const ranges = video.buffered;
    if (this.#closed || ranges.length === 0) return;
    const last = ranges.length - 1;
    const start = ranges.start(last);
    const end = ranges.end(last);
    if (video.currentTime < start - 0.01) {
      video.currentTime = start + 0.01;
      return;
    }
    const edge = liveEdge(video.currentTime, end);
    if (edge.seek !== null) video.currentTime = edge.seek;
    if (video.playbackRate !== edge.rate) video.playbackRate = edge.rate;
    if (video.paused && this.#started) void video.play().catch(() => undefined);
    this.#pump();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queueBytes = 0;
    URL.revokeObjectURL(this.#url);
    this.#video.removeAttribute('src');
    this.#video.load();
  }

  #open(): void {
    if (this.#closed) return;
    try {
      this.#buffer = this.#mediaSource.addSourceBuffer(this.#mime);
    } catch (error) {
      this.failure = `the browser refused the stream: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    this.#buffer.mode = 'segments';
    this.#buffer.addEventListener('updateend', () => {
      if (!this.#started && this.#video.buffered.length > 0) {
        this.#started = true;
        this.tick();
      }
      this.#pump();
    });
    this.#pump();
  }

  #pump(): void {
    const buffer = this.#buffer;
    if (!buffer || buffer.updating || this.#closed || this.#mediaSource.readyState !== 'open') return;
    const ranges = this.#video.buffered;
    const behind = this.#video.currentTime - KEEP_BEHIND_S;
    if (ranges.length > 0 && ranges.start(0) < behind - 1) {
      buffer.remove(0, behind);
      return;
    }
    const next = this.#queue.shift();
    if (!next) return;
    this.#queueBytes -= next.byteLength;
    try {
      buffer.appendBuffer(next as Uint8Array<ArrayBuffer>);
    } catch (error) {
      // QuotaExceededError and the like: drop what waits and start again at a key frame.
      this.failure = error instanceof Error ? error.message : String(error);
      this.#queue = [];
      this.#queueBytes = 0;
      this.#awaitKey = true;
    }
  }
}
