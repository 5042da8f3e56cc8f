import type { SourceKind } from './camera-url';
import { MEDIA_META_BYTES, readMediaPayload, writeMediaMeta, type MediaSegment } from './live-media';
import type { HwAccelChoice, HwAccelSetting } from './hwaccel';

/**
 * What the gateway and a native decoder process (src/ingest/native/) say to each other. Pure.
 * Gateway -> decoder: JSON lines on stdin; the first is the `DecoderSetup` (with the camera URL,
 * which therefore never appears in a command line or an environment), then `DecoderCommand`s.
 * Decoder -> gateway: framed messages on stdout, [u8 kind][u32 length][payload]: a frame
 * ([f64 capturedAt][u8 flags][RGB24 pixels]), an event (UTF-8 JSON), or live media (live-media.ts:
 * fMP4 remuxed from the camera's packets, only while someone watches).
 */

/** Which packets are decoded and how many frames come out. */
export interface DecodeWork {
  /** `all`: every packet (P-frames need their references); `keyframes`: key frames only. */
  readonly decode: 'all' | 'keyframes';
  /** Most frames a second handed to the gateway. */
  readonly fps: number;
  /** While decoding key frames only: wake up (decode all, from the last key frame) on compressed-domain motion. */
  readonly wakeOnMotion: boolean;
}

/** Compressed-domain motion: a P-frame much larger than the scene's usual ones means something moved. */
export interface MotionSettings {
  /** A packet this many times the running baseline is motion... */
  readonly ratio: number;
  /** ...and at least this many bytes above it (a near-empty scene's tiny packets fluctuate a lot). */
  readonly minBytes: number;
  /** Packets observed before judging (the baseline needs them). */
  readonly warmupPackets: number;
}

export interface DecoderSetup {
  readonly url: string;
  readonly kind: SourceKind;
  readonly width: number;
  readonly height: number;
  readonly rtspTransport: 'tcp' | 'udp';
  /** Files: play at their own rate, looped. */
  readonly loop: boolean;
  /** Hardware decoding asked for; the decoder falls back to software when the device is absent and says why. */
  readonly hwaccel: HwAccelSetting;
  readonly protocolWhitelist: string;
  readonly socketTimeoutUs: number;
  readonly work: DecodeWork;
  readonly motion: MotionSettings;
  /** Packets kept since the last key frame, to catch up from it when decoding resumes (bounded). */
  readonly maxCatchUpPackets: number;
  readonly maxCatchUpBytes: number;
  /** Skip H.264/HEVC's deblocking filter: less decode CPU, blockier pixels only at full size. */
  readonly skipLoopFilter: boolean;
  /**
   * Leave frames no other frame refers to (most encoders' B-frames) undecoded while the camera's
   * analysis takes at most half the stream's frames: no analysed frame needs them.
   */
  readonly skipNonReference: boolean;
}

/** `live`: remux the camera's packets to fragmented MP4 (on) or stop (off), without reconnecting. */
export type DecoderCommand = { readonly cmd: 'work'; readonly work: DecodeWork } | { readonly cmd: 'live'; readonly on: boolean };

/** Events a decoder reports. `progress` comes at least twice a second while packets arrive (the watchdog's sign of life). */
export type DecoderEvent =
  | { readonly kind: 'opened'; readonly codec: string; readonly width: number; readonly height: number; readonly fps: number | null }
  | { readonly kind: 'progress'; readonly packets: number; readonly bytes: number; readonly keyframes: number; readonly decoded: number; readonly emitted: number }
  | ({ readonly kind: 'hwaccel' } & HwAccelChoice)
  | {
      readonly kind: 'woke';
      readonly reason: 'motion' | 'command';
      readonly catchUpPackets: number;
      readonly catchUpMs: number;
      /** Wall time (ms since the epoch) the packet that woke it arrived. */
      readonly at: number;
      /** Its position in the stream (ms), for measuring how late after a change motion was seen. */
      readonly streamMs?: number;
      readonly motionBytes?: number;
      readonly baselineBytes?: number;
    }
  /** Live remuxing started: the init segment follows. `codec` is the RFC 6381 string a browser needs (avc1.PPCCLL). */
  | { readonly kind: 'live'; readonly codec: string; readonly mime: string; readonly width: number; readonly height: number }
  /** Live remuxing cannot run on this stream (codec, missing parameter sets); the message says why. */
  | { readonly kind: 'live-error'; readonly message: string };

export const MESSAGE_FRAME = 1;
export const MESSAGE_EVENT = 2;
export const MESSAGE_MEDIA = 3;
/** A fragment larger than this is not a camera's: the stream is broken. */
const MAX_MEDIA_BYTES = 64 * 1024 * 1024;
export const MESSAGE_HEADER_BYTES = 5;
export const FRAME_META_BYTES = 9;
export const FLAG_KEYFRAME = 1;
/** The newest frame of a catch-up (decoded from the packets kept since the last key frame). */
export const FLAG_CATCH_UP = 2;

/** A frame message with room for the pixels after the returned offset, in `reuse` when it has the right size. Pure. */
export function frameMessage(pixelBytes: number, capturedAt: number, flags: number, reuse?: Buffer): { buffer: Buffer; pixelsAt: number } {
  const bytes = MESSAGE_HEADER_BYTES + FRAME_META_BYTES + pixelBytes;
  const buffer = reuse?.length === bytes ? reuse : Buffer.allocUnsafe(bytes);
  buffer.writeUInt8(MESSAGE_FRAME, 0);
  buffer.writeUInt32BE(FRAME_META_BYTES + pixelBytes, 1);
  buffer.writeDoubleBE(capturedAt, MESSAGE_HEADER_BYTES);
  buffer.writeUInt8(flags, MESSAGE_HEADER_BYTES + 8);
  return { buffer, pixelsAt: MESSAGE_HEADER_BYTES + FRAME_META_BYTES };
}

export function eventMessage(event: DecoderEvent): Buffer {
  const json = Buffer.from(JSON.stringify(event));
  const buffer = Buffer.allocUnsafe(MESSAGE_HEADER_BYTES + json.length);
  buffer.writeUInt8(MESSAGE_EVENT, 0);
  buffer.writeUInt32BE(json.length, 1);
  json.copy(buffer, MESSAGE_HEADER_BYTES);
  return buffer;
}

/** A live media message: the header, then the payload (live-media.ts); the bytes are copied once. */
export function mediaMessage(flags: number, wallMs: number, mediaSeconds: number, data: Buffer): Buffer {
  const buffer = Buffer.allocUnsafe(MESSAGE_HEADER_BYTES + MEDIA_META_BYTES + data.length);
  buffer.writeUInt8(MESSAGE_MEDIA, 0);
  buffer.writeUInt32BE(MEDIA_META_BYTES + data.length, 1);
  writeMediaMeta(buffer, MESSAGE_HEADER_BYTES, flags, wallMs, mediaSeconds);
  data.copy(buffer, MESSAGE_HEADER_BYTES + MEDIA_META_BYTES);
  return buffer;
}

export interface DecoderOutputHandlers {
  /** A buffer of exactly `frameBytes` to write the next frame's pixels into. */
  acquire(): ArrayBuffer;
  frame(pixels: ArrayBuffer, capturedAt: number, flags: number): void;
  event(event: DecoderEvent): void;
  /** Live media (only while the gateway asked for it). */
  media?(segment: MediaSegment): void;
  /** The stream does not follow the protocol (a decoder bug or a broken pipe): stop the run. */
  corrupt(reason: string): void;
}

/**
 * Cuts a decoder's stdout into messages. Pixels are written once, straight into a pooled buffer
 * (the only copy between the decoder and the worker); chunk boundaries fall anywhere.
 */
export class DecoderOutputParser {
  readonly #frameBytes: number;
  readonly #handlers: DecoderOutputHandlers;
  readonly #header = Buffer.alloc(MESSAGE_HEADER_BYTES + FRAME_META_BYTES);
  #headerFilled = 0;
  #kind = 0;
  #length = 0;
  #payloadFilled = 0;
  #pixels: Uint8Array | null = null;
  #bytes: Buffer | null = null;
  #broken = false;

  constructor(frameBytes: number, handlers: DecoderOutputHandlers) {
    this.#frameBytes = frameBytes;
    this.#handlers = handlers;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.#broken) {
      if (this.#kind === 0) {
        at = this.#readHeader(chunk, at);
        continue;
      }
      at = this.#kind === MESSAGE_FRAME ? this.#readPixels(chunk, at) : this.#readBytes(chunk, at);
    }
  }

  /** Drops a partly read message (the decoder process ended). */
  reset(release: (buffer: ArrayBuffer) => void): void {
    if (this.#pixels) release(this.#pixels.buffer as ArrayBuffer);
    this.#pixels = null;
    this.#bytes = null;
    this.#kind = 0;
    this.#headerFilled = 0;
    this.#payloadFilled = 0;
    this.#broken = false;
  }

  #readHeader(chunk: Buffer, at: number): number {
    // The frame metadata is read with the header, so pixels start on a fresh message field.
    const want = this.#headerFilled < MESSAGE_HEADER_BYTES ? MESSAGE_HEADER_BYTES : this.#header.readUInt8(0) === MESSAGE_FRAME ? MESSAGE_HEADER_BYTES + FRAME_META_BYTES : MESSAGE_HEADER_BYTES;
    const take = Math.min(want - this.#headerFilled, chunk.length - at);
    chunk.copy(this.#header, this.#headerFilled, at, at + take);
    this.#headerFilled += take;
    if (this.#headerFilled < want) return at + take;
    const kind = this.#header.readUInt8(0);
    const length = this.#header.readUInt32BE(1);
    if (this.#headerFilled === MESSAGE_HEADER_BYTES && kind === MESSAGE_FRAME) return at + take; // now read the metadata
    if (kind === MESSAGE_FRAME) {
      if (length !== FRAME_META_BYTES + this.#frameBytes) return this.#fail(`frame of ${length - FRAME_META_BYTES} bytes, expected ${this.#frameBytes}`);
      this.#pixels = new Uint8Array(this.#handlers.acquire());
    } else if (kind === MESSAGE_EVENT || kind === MESSAGE_MEDIA) {
      if (length > (kind === MESSAGE_EVENT ? 1024 * 1024 : MAX_MEDIA_BYTES)) return this.#fail(`${kind === MESSAGE_EVENT ? 'event' : 'media'} of ${length} bytes`);
      this.#bytes = Buffer.allocUnsafe(length);
    } else {
      return this.#fail(`unknown message kind ${kind}`);
    }
    this.#kind = kind;
    this.#length = kind === MESSAGE_FRAME ? this.#frameBytes : length;
    this.#payloadFilled = 0;
    if (this.#length === 0) this.#finish();
    return at + take;
  }

  #readPixels(chunk: Buffer, at: number): number {
    const pixels = this.#pixels as Uint8Array;
    const take = Math.min(this.#length - this.#payloadFilled, chunk.length - at);
    pixels.set(chunk.subarray(at, at + take), this.#payloadFilled);
    this.#payloadFilled += take;
    if (this.#payloadFilled === this.#length) this.#finish();
    return at + take;
  }

  #readBytes(chunk: Buffer, at: number): number {
    const json = this.#bytes as Buffer;
    const take = Math.min(this.#length - this.#payloadFilled, chunk.length - at);
    chunk.copy(json, this.#payloadFilled, at, at + take);
    this.#payloadFilled += take;
    if (this.#payloadFilled === this.#length) this.#finish();
    return at + take;
  }

  #finish(): void {
    const kind = this.#kind;
    this.#kind = 0;
    this.#headerFilled = 0;
    if (kind === MESSAGE_FRAME) {
      const pixels = this.#pixels as Uint8Array;
      this.#pixels = null;
      this.#handlers.frame(pixels.buffer as ArrayBuffer, this.#header.readDoubleBE(MESSAGE_HEADER_BYTES), this.#header.readUInt8(MESSAGE_HEADER_BYTES + 8));
      return;
    }
    const json = this.#bytes as Buffer;
    this.#bytes = null;
    if (kind === MESSAGE_MEDIA) {
      const segment = readMediaPayload(json);
      if (!segment) this.#fail('a media message without its header');
      else this.#handlers.media?.(segment);
      return;
    }
    let event: DecoderEvent;
    try {
      event = JSON.parse(json.toString('utf8')) as DecoderEvent;
    } catch {
      this.#fail('an event that is not JSON');
      return;
    }
    this.#handlers.event(event);
  }

  #fail(reason: string): number {
    this.#broken = true;
    this.#handlers.corrupt(reason);
    return Number.MAX_SAFE_INTEGER;
  }
}
