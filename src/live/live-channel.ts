import { MEDIA_AFTER_GAP, MEDIA_INIT, MEDIA_KEY, type CameraState, type DecoderEvent, type MediaSegment } from '../ingest';
import type { Box } from '../inference';
import type { LiveCamera, LiveCameraSink } from '../cameras';
import { VigilError } from '../errors';
import { LIVE_CLOSE, errorMessage, facesMessage, initMessage, pictureBoxes, statusMessage } from './live-wire';
import type { LiveViewer } from './live-viewer';

export interface ChannelOptions {
  /** Fragments since the last key frame kept for viewers who join (bytes); past it, none until the next key frame. */
  readonly gopCacheBytes: number;
  /** How long the remux keeps running after the last viewer left (a page reload finds it warm). */
  readonly lingerMs: number;
  /** The gateway's view of a camera that is not attached (not running): its state and why. */
  readonly describe: () => { state: string; reason: string | null } | null;
  readonly onDecoderGap: () => void;
  /** No viewer and no camera any more: the channel may be forgotten. */
  readonly onIdle: () => void;
}

interface StreamInfo {
  readonly codec: string;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
}

/**
 * One camera's live view: the viewers watching it, and what a viewer joining needs (the init
 * segment and the fragments since the last key frame, bounded). Asks the camera to remux while it
 * has viewers (and `lingerMs` after), fans segments out through each viewer's policy, and turns
 * the analysis' boxes into picture fractions. Single-threaded: nothing here waits.
 */
export class LiveChannel {
  readonly cameraId: string;
  readonly viewers = new Set<LiveViewer>();
  readonly #options: ChannelOptions;
  #camera: LiveCamera | null = null;
  #sink: LiveCameraSink | null = null;
  #remuxing = false;
  #info: StreamInfo | null = null;
  #init: MediaSegment | null = null;
  #gop: MediaSegment[] = [];
  #gopBytes = 0;
  #lingerTimer: NodeJS.Timeout | null = null;

  constructor(cameraId: string, options: ChannelOptions) {
    this.cameraId = cameraId;
    this.#options = options;
  }

  /** A camera started: it is this channel's source until it detaches. */
  attach(camera: LiveCamera): LiveCameraSink {
    this.#sink?.detach();
    this.#camera = camera;
    this.#remuxing = false;
    this.#clearStream();
    const sink: LiveCameraSink = {
      media: (segment) => sink === this.#sink && this.#media(segment),
      event: (event) => sink === this.#sink && this.#event(event),
      faces: (capturedAt, faces) => sink === this.#sink && this.#faces(capturedAt, faces),
      state: (state, reason) => sink === this.#sink && this.#state(state, reason),
      detach: () => {
        if (sink !== this.#sink) return;
        this.#sink = null;
        this.#camera = null;
        this.#remuxing = false;
        this.#clearStream();
        this.#broadcast(statusMessage('stopped', 'the camera stopped'));
        if (this.idle) this.#options.onIdle();
      },
    };
    this.#sink = sink;
    this.#demand();
    return sink;
  }

  get idle(): boolean {
    return this.viewers.size === 0 && this.#camera === null;
  }

  /** A viewer joins: it gets the stream from the last key frame, or waits for the camera. */
  add(viewer: LiveViewer): void {
    this.viewers.add(viewer);
    this.#cancelLinger();
    if (this.#info && this.#init) {
      viewer.text(initMessage(this.#info, this.cameraId), true);
      viewer.segment(this.#init);
      for (const segment of this.#gop) viewer.segment(segment);
    } else if (!this.#camera) {
      const view = this.#options.describe();
      viewer.text(statusMessage(view?.state ?? 'stopped', view?.reason ?? 'the camera is not running'), true);
    }
    this.#demand();
  }

  remove(viewer: LiveViewer): void {
    if (!this.viewers.delete(viewer) || this.viewers.size > 0) return;
    this.#cancelLinger();
    this.#lingerTimer = setTimeout(() => this.#stopRemux(), this.#options.lingerMs);
    this.#lingerTimer.unref();
  }

  /** Closes every viewer (gateway stopping, camera removed). */
  closeAll(code: number, reason: string): void {
    for (const viewer of this.viewers) viewer.close(code, reason);
    this.viewers.clear();
    this.#stopRemux();
  }

  /** Immediate teardown (the service is destroyed): no timer left, nothing asked of the camera. */
  dispose(): void {
    this.#cancelLinger();
    this.viewers.clear();
    this.#clearStream();
  }

  #demand(): void {
    if (this.viewers.size === 0 || !this.#camera || this.#remuxing) return;
    if (this.#camera.setLive(true)) {
      this.#remuxing = true;
      return;
    }
    const error = new VigilError('VIGIL_ERR_LIVE_UNSUPPORTED', 'live video is not supported by this decoder backend (ingest.decoder: ffmpeg); use the native decoder');
    this.#refuseAll(error);
  }

  #stopRemux(): void {
    this.#cancelLinger();
    if (this.viewers.size > 0) return;
    if (this.#remuxing) this.#camera?.setLive(false);
    this.#remuxing = false;
    this.#clearStream();
    if (this.idle) this.#options.onIdle();
  }

  #cancelLinger(): void {
    if (this.#lingerTimer) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
  }

  #event(event: DecoderEvent): void {
    if (event.kind === 'live') {
      this.#clearStream();
      this.#info = { codec: event.codec, mime: event.mime, width: event.width, height: event.height };
      for (const viewer of this.viewers) {
        viewer.restart();
        viewer.text(initMessage(this.#info, this.cameraId), true);
      }
    } else if (event.kind === 'live-error') {
      this.#refuseAll(new VigilError('VIGIL_ERR_LIVE_UNAVAILABLE', `live video of this camera is not possible: ${event.message}`));
    }
  }

  #media(segment: MediaSegment): void {
    if (segment.flags & MEDIA_INIT) this.#init = segment;
    else this.#keep(segment);
    if (segment.flags & MEDIA_AFTER_GAP) this.#options.onDecoderGap();
    for (const viewer of this.viewers) viewer.segment(segment);
  }

  /** The fragments since the last key frame, within the byte bound (past it: nothing until the next key frame). */
  #keep(segment: MediaSegment): void {
    if (segment.flags & MEDIA_KEY) {
      this.#gop = [];
      this.#gopBytes = 0;
    } else if (this.#gop.length === 0) {
      return;
    }
    if (this.#gopBytes + segment.payload.length > this.#options.gopCacheBytes) {
      this.#gop = [];
      this.#gopBytes = 0;
      return;
    }
    this.#gop.push(segment);
    this.#gopBytes += segment.payload.length;
  }

  #faces(capturedAt: number, faces: readonly { box: Box; score: number }[]): void {
    const camera = this.#camera;
    if (this.viewers.size === 0 || !this.#info || !camera) return;
    const boxes = pictureBoxes(faces, this.#info, { width: camera.analysisWidth, height: camera.analysisHeight });
    this.#broadcast(facesMessage(capturedAt, boxes));
  }

  #state(state: CameraState, reason: string | null): void {
    this.#broadcast(statusMessage(state, reason), true);
  }

  #broadcast(json: string, always = false): void {
    for (const viewer of this.viewers) viewer.text(json, always);
  }

  #refuseAll(error: VigilError): void {
    for (const viewer of this.viewers) {
      viewer.text(errorMessage(error.code, error.message), true);
      viewer.close(LIVE_CLOSE.unsupported, error.code);
    }
    this.viewers.clear();
    this.#stopRemux();
  }

  #clearStream(): void {
    this.#info = null;
    this.#init = null;
    this.#gop = [];
    this.#gopBytes = 0;
  }
}
