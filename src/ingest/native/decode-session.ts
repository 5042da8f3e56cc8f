import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { FLAG_CATCH_UP, FLAG_KEYFRAME, type DecodeWork, type DecoderEvent, type DecoderSetup } from '../decoder-protocol';
import { HardwareDecoding } from './hw-decoding';
import { letterbox, type Letterbox } from './letterbox';
import type { AvCodecContext, AvFrame, AvPacket, AvScaler, FFmpegLibraries, LibAv } from './libav';
import { NO_MOTION_YET, afterKeyframe, observeMotion, type MotionState } from './motion';

/** Where a session's output goes (the decoder process's stdout). */
export interface SessionOutput {
  /** False when the reader is behind: the frame is not sent (a newer one comes soon). */
  frame(width: number, height: number, flags: number, fill: (target: Buffer, at: number) => void): boolean;
  event(event: DecoderEvent): void;
  /** A line for the gateway's log of this decoder (FFmpeg's warnings and errors). */
  log(line: string): void;
}

const PROGRESS_MS = 400;

interface Scaler {
  readonly sws: AvScaler;
  readonly box: Letterbox;
  readonly scaled: AvFrame;
  readonly key: string;
}


/**
 * One camera's input, demuxed and decoded in this process with FFmpeg's libraries (node-av, the
 * one door to them). Decodes every packet or key frames only, as the gateway asks; keeps the
 * packets since the last key frame so decoding can resume from it at once (motion or a command);
 * picks frames by time, scales only those, letterboxed, to RGB24 at the analysis size.
 */
export class DecodeSession {
  readonly #av: LibAv;
  readonly #c: FFmpegLibraries['c'];
  readonly #setup: DecoderSetup;
  readonly #out: SessionOutput;
  #work: DecodeWork;
  #stopped = false;
  readonly #input: InstanceType<LibAv['FormatContext']>;
  #decoder: AvCodecContext | null = null;
  #stream = -1;
  readonly #packet: AvPacket;
  readonly #frame: AvFrame;
  #scaler: Scaler | null = null;
  /** Packets since the last key frame (refcounted clones), while key frames only are decoded. */
  #gop: AvPacket[] = [];
  #gopBytes = 0;
  #gopBroken = true;
  /** After a gap the decoder has no references: skip P-frames until the next key frame. */
  #awaitKey = true;
  #motion: MotionState = NO_MOTION_YET;
  #lastEmit = -Infinity;
  /** When the next frame is due (performance.now() ms) while every frame is decoded. */
  #due = -Infinity;
  /** The usual time between decoded frames (ms, smoothed), and when the last one came. */
  #gapMs = 0;
  #lastDecodedAt = -Infinity;
  /** The stream's frame rate, when it says one. */
  #streamFps: number | null = null;
  /** Whether frames nothing refers to are left undecoded (see `#applySkip`). */
  #skipping = false;
  #stats = { packets: 0, bytes: 0, keyframes: 0, decoded: 0, emitted: 0 };
  #lastProgress = 0;
  #pace: { wallStart: number; firstPts: number } | null = null;
  /** The first packet's time (ms): stream positions are counted from the connection. */
  #firstPtsMs: number | null = null;
  /** Sees every packet of the video stream as it is read, whatever is decoded (the live view's remux). */
  tap: ((packet: AvPacket, stream: NonNullable<DecodeSession['videoStream']>) => void) | null = null;
  #hardware: HardwareDecoding | null = null;
  /** FFmpeg's lines while the hardware is chosen (the reason a device is absent). */
  #captured: string[] | null = null;

  constructor(libraries: FFmpegLibraries, setup: DecoderSetup, out: SessionOutput) {
    const { av, c } = libraries;
    this.#av = av;
    this.#c = c;
    this.#setup = setup;
    this.#out = out;
    this.#work = setup.work;
    this.#input = new av.FormatContext();
    this.#packet = new av.Packet();
    this.#packet.alloc();
    this.#frame = new av.Frame();
    this.#frame.alloc();
    av.Log.setLevel(c.AV_LOG_WARNING);
    av.Log.setCallback((_level, message) => {
      const line = message.trim();
      if (!line) return;
      this.#captured?.push(line);
      out.log(line);
    });
  }

  /** Runs until the input ends, an error, or stop(). */
  async run(): Promise<void> {
    await this.#open();
    while (!this.#stopped) {
      const ret = await this.#input.readFrame(this.#packet);
      if (ret === this.#c.AVERROR_EOF) {
        if (this.#setup.kind === 'file' && this.#setup.loop && !this.#stopped) {
          await this.#rewind();
          continue;
        }
        this.#out.log('end of stream');
        return;
      }
      if (ret < 0) this.#fail(ret, 'reading the stream failed');
      if (this.#packet.streamIndex === this.#stream) await this.#onPacket();
      this.#packet.unref();
      this.#progress();
    }
  }

  stop(): void {
    this.#stopped = true;
  }

  /** The video stream once the input is open. */
  get videoStream() {
    return this.#input.streams?.[this.#stream];
  }

  /**
   * A new decode policy from the gateway. An idle camera woken by the gateway (a face in a key
   * frame) catches up from the last key frame at once: someone is in view. A camera the capacity
   * controller raises from key frames resumes at its next key frame instead: catching up decodes
   * up to a whole GOP in one burst (at 1080p30 with a 2 s GOP, 60 frames: about 0.3 s of a core
   * here, where a decoder takes 13.5 % of a core for 30 fps), on a box that has only just found
   * room, for a frame nobody is waiting for.
   */
  setWork(work: DecodeWork): void {
    const before = this.#work;
    this.#work = work;
    if (before.decode === 'keyframes' && work.decode === 'all') {
      if (before.wakeOnMotion) this.#wake('command');
      else this.#awaitKey = true;
    }
    // Packets are kept for a catch-up only while the camera is idle (the only one that catches up).
    if (!work.wakeOnMotion) this.#dropGop();
    this.#applySkip();
    if (before.decode === 'all' && work.decode === 'keyframes') this.#motion = NO_MOTION_YET;
  }

  async #open(): Promise<void> {
    const s = this.#setup;
    await this.#resolveHost();
    const options = new this.#av.Dictionary();
    options.set('protocol_whitelist', s.protocolWhitelist);
    if (s.kind === 'rtsp' || s.kind === 'rtsps') {
      options.set('rtsp_transport', s.rtspTransport);
      options.set('timeout', String(s.socketTimeoutUs));
    } else if (s.kind !== 'file') {
      options.set('rw_timeout', String(s.socketTimeoutUs));
    }
    let ret = await this.#input.openInput(s.url, null, options);
    // The URL is in the message so an operator sees which source failed; the gateway redacts it before any log.
    if (ret < 0) this.#fail(ret, `opening ${s.url} failed`);
    ret = await this.#input.findStreamInfo();
    if (ret < 0) this.#fail(ret, 'reading the stream information failed');
    const index = this.#input.findBestStream(this.#c.AVMEDIA_TYPE_VIDEO);
    const stream = index >= 0 ? this.#input.streams?.[index] : undefined;
    if (!stream) throw new Error('the source has no video stream');
    this.#stream = index;
    const codec = this.#av.Codec.findDecoder(stream.codecpar.codecId);
    const name = this.#av.avGetCodecName(stream.codecpar.codecId) ?? String(stream.codecpar.codecId);
    if (!codec) throw new Error(`decoder (codec ${name}) not found`);
    const hardware = await HardwareDecoding.open({ av: this.#av, c: this.#c }, s.hwaccel, codec, name, {
      start: () => (this.#captured = []),
      // The lines of a failed attempt reach JavaScript a moment after it.
      stop: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        const lines = this.#captured ?? [];
        this.#captured = null;
        return lines;
      },
    });
    this.#hardware = hardware;
    const openDecoder = async (): Promise<[AvCodecContext, number]> => {
      const decoder = new this.#av.CodecContext();
      decoder.allocContext3(codec);
      decoder.parametersToContext(stream.codecpar);
      // One thread: many cameras share the cores, and frame threads would only add latency.
      decoder.threadCount = 1;
      hardware.attach(decoder);
      const options = new this.#av.Dictionary();
      // Frames are shrunk for analysis (1080p -> 640x360): the deblocking filter's work would not show.
      if (s.skipLoopFilter) options.set('skip_loop_filter', 'all');
      return [decoder, await decoder.open2(codec, options)];
    };
    let [decoder, opened] = await openDecoder();
    if (opened < 0 && hardware.choice.active !== 'none') {
      hardware.fallBack(`opening the ${name} decoder on it failed (${this.#av.FFmpegError.strerror(opened)})`);
      decoder.freeContext();
      [decoder, opened] = await openDecoder();
    }
    if (opened < 0) this.#fail(opened, `opening the ${name} decoder failed`);
    this.#decoder = decoder;
    this.#out.event({ kind: 'hwaccel', ...hardware.choice });
    const rate = stream.avgFrameRate;
    const fps = rate.den > 0 && rate.num > 0 ? rate.num / rate.den : null;
    this.#streamFps = fps;
    this.#applySkip();
    this.#out.event({ kind: 'opened', codec: name, width: stream.codecpar.width, height: stream.codecpar.height, fps });
  }

  /**
   * Frames no other frame refers to (most encoders' B-frames; a stream without B-frames has none)
   * are left undecoded while analysis takes at most half the stream's frames: the frames picked
   * for analysis never need them. On the bench's x264 clip (58 % B-frames) that is 42 % of
   * ffmpeg's decode work, 18-22 % of this process's CPU. Key frames only, catch-ups and the live view are unaffected (the live view
   * remuxes packets; a catch-up decodes only what the newest frame refers to).
   */
  #applySkip(): void {
    const decoder = this.#decoder;
    if (!decoder) return;
    const skip = this.#setup.skipNonReference && this.#streamFps !== null && this.#work.fps * 2 <= this.#streamFps;
    if (skip === this.#skipping) return;
    const ret = decoder.setOption('skip_frame', skip ? 'noref' : 'default');
    if (ret < 0) return this.#out.log(`setting skip_frame failed: ${this.#av.FFmpegError.strerror(ret)}`);
    this.#skipping = skip;
  }

  /** A host that does not resolve gets a clear message, not FFmpeg's "Input/output error". */
  async #resolveHost(): Promise<void> {
    if (this.#setup.kind === 'file') return;
    let host: string;
    try {
      host = new URL(this.#setup.url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return;
    }
    if (isIP(host) !== 0) return;
    try {
      await lookup(host);
    } catch (error) {
      throw new Error(`failed to resolve the camera host "${host}": ${(error as NodeJS.ErrnoException).code === 'ENOTFOUND' ? 'name or service not known' : (error as Error).message}`);
    }
  }

  async #onPacket(): Promise<void> {
    const packet = this.#packet;
    const key = packet.isKeyframe;
    if (this.#firstPtsMs === null && packet.pts !== this.#c.AV_NOPTS_VALUE) {
      const tb = this.#input.streams?.[this.#stream]?.timeBase;
      if (tb) this.#firstPtsMs = (Number(packet.pts) * tb.num * 1000) / tb.den;
    }
    this.#stats.packets += 1;
    this.#stats.bytes += packet.size;
    if (key) this.#stats.keyframes += 1;
    if (this.#setup.kind === 'file') await this.#paceFile(packet);
    const stream = this.videoStream;
    if (this.tap && stream) this.tap(packet, stream);
    if (this.#work.decode === 'all') {
      if (this.#awaitKey && !key) return;
      this.#awaitKey = false;
      this.#decode(packet, false);
      return;
    }
    if (this.#work.wakeOnMotion) this.#keep(packet, key);
    if (key) {
      this.#awaitKey = false;
      this.#motion = afterKeyframe(this.#motion);
      this.#decodeAlone(packet);
      return;
    }
    if (!this.#work.wakeOnMotion || this.#gopBroken) return;
    const baselineBytes = this.#motion.baseline;
    const seen = observeMotion(this.#setup.motion, this.#motion, packet.size);
    this.#motion = seen.state;
    if (seen.motion) this.#wake('motion', { motionBytes: packet.size, baselineBytes: Math.round(baselineBytes), ...this.#streamMs(packet) });
  }

  /** Keeps a clone of each packet since the last key frame, within bounds; past them, catching up is impossible until the next key frame. */
  #keep(packet: AvPacket, key: boolean): void {
    if (key) {
      this.#clearGop();
      this.#gopBroken = false;
    }
    if (this.#gopBroken) return;
    if (this.#gop.length >= this.#setup.maxCatchUpPackets || this.#gopBytes + packet.size > this.#setup.maxCatchUpBytes) {
      this.#dropGop();
      return;
    }
    const clone = packet.clone();
    if (!clone) return;
    this.#gop.push(clone);
    this.#gopBytes += packet.size;
  }

  #clearGop(): void {
    for (const p of this.#gop) p.free();
    this.#gop = [];
    this.#gopBytes = 0;
  }

  /** No catch-up possible until the next key frame. */
  #dropGop(): void {
    this.#clearGop();
    this.#gopBroken = true;
  }

  /**
   * A key frame on its own, out at once: the decoder is drained after it (a stream with B-frames
   * would otherwise hold each picture back until the next key frame, seconds later) and reset.
   */
  #decodeAlone(packet: AvPacket): void {
    const decoder = this.#decoder as AvCodecContext;
    this.#decode(packet, false);
    decoder.sendPacketSync(null);
    while (decoder.receiveFrameSync(this.#frame) >= 0) {
      this.#stats.decoded += 1;
      this.#offer(this.#frame, FLAG_KEYFRAME);
      this.#frame.unref();
    }
    decoder.flushBuffers();
  }

  /** Decode everything from now on, from the last key frame on (the decoder was reset after it); only the newest frame goes out. */
  #wake(reason: 'motion' | 'command', detail: { motionBytes?: number; baselineBytes?: number; streamMs?: number } = {}): void {
    const started = performance.now();
    const at = Date.now();
    this.#work = { ...this.#work, decode: 'all' };
    const catchUp = this.#gopBroken ? [] : this.#gop;
    if (this.#gopBroken) this.#awaitKey = true;
    for (const [i, p] of catchUp.entries()) this.#decode(p, i < catchUp.length - 1 ? 'silent' : 'catch-up');
    this.#dropGop();
    this.#motion = NO_MOTION_YET;
    this.#out.event({ kind: 'woke', reason, catchUpPackets: catchUp.length, catchUpMs: Math.round(performance.now() - started), at, ...detail });
  }

  /** `silent`: decoded for its references only; `catch-up`: the newest frame of a catch-up, always sent. */
  #decode(packet: AvPacket, mode: false | 'silent' | 'catch-up'): void {
    const decoder = this.#decoder as AvCodecContext;
    let ret = decoder.sendPacketSync(packet);
    if (ret < 0 && ret !== this.#c.AVERROR_EAGAIN) {
      this.#out.log(`decoding a packet failed: ${this.#av.FFmpegError.strerror(ret)}`);
      return;
    }
    let out = false;
    while ((ret = decoder.receiveFrameSync(this.#frame)) >= 0) {
      this.#stats.decoded += 1;
      out = true;
      if (mode === false) this.#offer(this.#frame, packet.isKeyframe ? FLAG_KEYFRAME : 0);
      else if (mode === 'catch-up') this.#emit(this.#frame, FLAG_CATCH_UP);
      this.#frame.unref();
    }
    // A decoder that reorders (B-frames) holds the newest picture back: the next one out goes at once.
    if (mode === 'catch-up' && !out) {
      this.#lastEmit = -Infinity;
      this.#due = -Infinity;
    }
  }

  /**
   * Frames go out `fps` a second, picked by the time they were decoded. While every frame is
   * decoded, each goes on a beat: the frame nearest the time it is due (one earlier than that by
   * less than half the usual gap between frames is nearer than the next). So the rate holds on
   * average whatever the spacing of the frames decoded (every frame, or the referenced ones only,
   * 67-133 ms apart at 30 fps).
   */
  #offer(frame: AvFrame, flags: number): void {
    const now = performance.now();
    const interval = this.#interval();
    if (this.#work.decode === 'keyframes') {
      // A key frame while decoding key frames only is the only frame for a while: never skip it for spacing alone.
      if (now - this.#lastEmit >= interval / 2) this.#emit(frame, flags);
      return;
    }
    if (Number.isFinite(this.#lastDecodedAt)) this.#gapMs += (Math.min(now - this.#lastDecodedAt, interval) - this.#gapMs) / 8;
    this.#lastDecodedAt = now;
    if (now < this.#due - this.#gapMs / 2) return;
    this.#emit(frame, flags);
  }

  /** Milliseconds between frames out at the camera's rate. */
  #interval(): number {
    return 1000 / this.#work.fps;
  }

  #emit(decoded: AvFrame, flags: number): void {
    const { width, height } = this.#setup;
    const frame = this.#hardware ? this.#hardware.toMemory(decoded) : decoded;
    const scaler = this.#scalerFor(frame);
    scaler.sws.scaleFrameSync(scaler.scaled, frame);
    const rows = scaler.scaled.data?.[0];
    const stride = scaler.scaled.linesize[0] ?? 0;
    if (!rows) return;
    const { box } = scaler;
    const sent = this.#out.frame(width, height, flags, (target, at) => {
      const lineBytes = width * 3;
      if (box.width !== width || box.height !== height) target.fill(0, at, at + lineBytes * height);
      for (let y = 0; y < box.height; y++) rows.copy(target, at + (box.y + y) * lineBytes + box.x * 3, y * stride, y * stride + box.width * 3);
    });
    if (!sent) return;
    const now = performance.now();
    this.#lastEmit = now;
    // The next beat; after a gap (a catch-up, a stall, key frames only) the beat starts again from now.
    const interval = this.#interval();
    this.#due = now - this.#due > interval ? now + interval : this.#due + interval;
    this.#stats.emitted += 1;
  }

  #scalerFor(frame: AvFrame): Scaler {
    const key = `${frame.width}x${frame.height}:${frame.format}`;
    if (this.#scaler?.key === key) return this.#scaler;
    this.#scaler?.sws.freeContext();
    this.#scaler?.scaled.free();
    const box = letterbox(frame, this.#setup);
    const sws = new this.#av.SoftwareScaleContext();
    sws.getContext(frame.width, frame.height, frame.format as Parameters<AvScaler['getContext']>[2], box.width, box.height, this.#c.AV_PIX_FMT_RGB24, this.#c.SWS_BILINEAR);
    const ret = sws.initContext();
    if (ret < 0) this.#fail(ret, 'setting up the scaler failed');
    const scaled = new this.#av.Frame();
    scaled.alloc();
    scaled.width = box.width;
    scaled.height = box.height;
    scaled.format = this.#c.AV_PIX_FMT_RGB24;
    scaled.allocBuffer();
    this.#scaler = { sws, box, scaled, key };
    return this.#scaler;
  }

  /** A packet's presentation time in ms of the stream, when it has one. */
  #streamMs(packet: AvPacket): { streamMs?: number } {
    const stream = this.#input.streams?.[this.#stream];
    if (!stream || packet.pts === this.#c.AV_NOPTS_VALUE || this.#firstPtsMs === null) return {};
    const tb = stream.timeBase;
    return { streamMs: Math.round((Number(packet.pts) * tb.num * 1000) / tb.den - this.#firstPtsMs) };
  }

  /** Files play at their own rate, as a live camera would. */
  async #paceFile(packet: AvPacket): Promise<void> {
    const stream = this.#input.streams?.[this.#stream];
    if (!stream || packet.pts === this.#c.AV_NOPTS_VALUE) return;
    const tb = stream.timeBase;
    const ptsMs = (Number(packet.pts) * tb.num * 1000) / tb.den;
    const now = performance.now();
    if (!this.#pace) this.#pace = { wallStart: now, firstPts: ptsMs };
    const due = this.#pace.wallStart + (ptsMs - this.#pace.firstPts);
    if (due > now + 1) await new Promise((resolve) => setTimeout(resolve, Math.min(due - now, 1000)));
  }

  async #rewind(): Promise<void> {
    const ret = await this.#input.seekFrame(this.#stream, 0n, this.#c.AVSEEK_FLAG_BACKWARD);
    if (ret < 0) this.#fail(ret, 'rewinding the file failed');
    this.#decoder?.flushBuffers();
    this.#pace = null;
    this.#awaitKey = true;
  }

  #fail(ret: number, what: string): never {
    throw new Error(`${what}: ${this.#av.FFmpegError.strerror(ret)}`);
  }

  #progress(): void {
    const now = performance.now();
    if (now - this.#lastProgress < PROGRESS_MS) return;
    this.#lastProgress = now;
    this.#out.event({ kind: 'progress', ...this.#stats });
  }
}
