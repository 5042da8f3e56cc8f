import type { DecoderEvent } from '../decoder-protocol';
import { MEDIA_AFTER_GAP, MEDIA_INIT, MEDIA_KEY } from '../live-media';
import type { AvPacket, FFmpegLibraries, LibAv } from './libav';
import { LiveMuxer } from './live-muxer';

type AvStream = NonNullable<InstanceType<LibAv['FormatContext']>['streams']>[number];

/** Where the remux's output goes (the decoder process's stdout). */
export interface LiveRemuxOutput {
  media(flags: number, wallMs: number, mediaSeconds: number, data: Buffer): void;
  event(event: DecoderEvent): void;
  /** Bytes written and not yet taken by the gateway. */
  backlog(): number;
}

/**
 * The live view's side of a decoder process: while the gateway asks for it (someone watches this
 * camera), every packet the session demuxes is also copied into fragmented MP4 (LiveMuxer); off,
 * nothing is done per packet. A gateway that reads too slowly loses fragments, never frames or
 * events: past `maxBacklogBytes` waiting in the pipe, fragments are left out until a key frame
 * finds the pipe half empty, and that one is marked MEDIA_AFTER_GAP.
 */
export class LiveRemux {
  readonly #libraries: FFmpegLibraries;
  readonly #out: LiveRemuxOutput;
  readonly #maxBacklogBytes: number;
  #on = false;
  #muxer: LiveMuxer | null = null;
  /** The init segment comes out while the muxer is built, before its codec string is known. */
  #init: { wallMs: number; data: Buffer } | null = null;
  #gap = false;
  /** Told once per attempt: the gateway shows it to viewers. */
  #failure: string | null = null;

  constructor(libraries: FFmpegLibraries, out: LiveRemuxOutput, maxBacklogBytes: number) {
    this.#libraries = libraries;
    this.#out = out;
    this.#maxBacklogBytes = maxBacklogBytes;
  }

  set(on: boolean): void {
    this.#on = on;
    this.#failure = null;
    if (!on) this.#stopMuxer();
  }

  /** Every packet of the video stream, as read (called by the decode session). */
  packet(packet: AvPacket, stream: AvStream): void {
    if (!this.#on) return;
    if (!this.#muxer) {
      // (Re)starting needs a key frame: a fragment stream must begin with one.
      if (!packet.isKeyframe) return;
      this.#startMuxer(stream);
      if (!this.#muxer) return;
    }
    try {
      this.#muxer.write(packet, Date.now());
    } catch (error) {
      this.#fail(error);
      this.#stopMuxer();
    }
  }

  close(): void {
    this.#stopMuxer();
  }

  #startMuxer(stream: AvStream): void {
    this.#init = null;
    try {
      this.#muxer = new LiveMuxer(this.#libraries, stream, (flags, wallMs, mediaSeconds, data) => this.#segment(flags, wallMs, mediaSeconds, data));
    } catch (error) {
      this.#fail(error);
      return;
    }
    const { codec, width, height } = this.#muxer;
    this.#failure = null;
    this.#out.event({ kind: 'live', codec, mime: `video/mp4; codecs="${codec}"`, width, height });
    // Set by #segment while the muxer was being built (TypeScript cannot see that).
    const init = this.#init as { wallMs: number; data: Buffer } | null;
    if (init) this.#out.media(MEDIA_INIT, init.wallMs, 0, init.data);
    this.#init = null;
  }

  #segment(flags: number, wallMs: number, mediaSeconds: number, data: Buffer): void {
    if (flags & MEDIA_INIT) {
      if (this.#muxer) this.#out.media(flags, wallMs, mediaSeconds, data);
      else this.#init = { wallMs, data };
      return;
    }
    const backlog = this.#out.backlog();
    if (this.#gap && (!(flags & MEDIA_KEY) || backlog > this.#maxBacklogBytes / 2)) return;
    if (!this.#gap && backlog > this.#maxBacklogBytes) {
      this.#gap = true;
      return;
    }
    this.#out.media(this.#gap ? flags | MEDIA_AFTER_GAP : flags, wallMs, mediaSeconds, data);
    this.#gap = false;
  }

  #stopMuxer(): void {
    this.#muxer?.close();
    this.#muxer = null;
    this.#gap = false;
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.#failure) return;
    this.#failure = message;
    this.#out.event({ kind: 'live-error', message });
  }
}
