import { Fmp4Splitter } from '../fmp4-boxes';
import { MEDIA_INIT, MEDIA_KEY } from '../live-media';
import { NEW_TIMELINE, placePacket, type LiveTimeline } from '../live-timeline';
import type { AvPacket, FFmpegLibraries, LibAv } from './libav';

type AvStream = NonNullable<InstanceType<LibAv['FormatContext']>['streams']>[number];

/** What the muxer produces: the init segment, then one fragment per packet, with their times. */
export type LiveSegmentSink = (flags: number, wallMs: number, mediaSeconds: number, data: Buffer) => void;

/** Output time base: 90 kHz, MP4's usual video clock (exact for 25, 30, 29.97 fps). */
const TIMESCALE = 90_000;
const IO_BUFFER_BYTES = 64 * 1024;

interface PacketMeta {
  readonly key: boolean;
  readonly wallMs: number;
  readonly pts: number;
}

/**
 * The camera's packets copied into fragmented MP4 (FFmpeg's own MP4 muxer, over a write callback:
 * no file, no re-encoding). `frag_every_frame`: each packet becomes its own moof + mdat, which the
 * muxer writes when the next packet arrives (it needs the next time to know the duration; a flush
 * right after the packet makes it guess durations and drift). Starts at a key frame; timestamps
 * made continuous by live-timeline.ts. Synchronous: the write callback runs inside each call.
 */
export class LiveMuxer {
  readonly #av: LibAv;
  readonly #c: FFmpegLibraries['c'];
  readonly #sink: LiveSegmentSink;
  readonly #output: InstanceType<LibAv['FormatContext']>;
  readonly #io: InstanceType<LibAv['IOContext']>;
  readonly #packet: AvPacket;
  readonly #splitter = new Fmp4Splitter();
  #timeline: LiveTimeline = NEW_TIMELINE;
  #defaultFrame: number;
  #outTimeBase = { num: 1, den: TIMESCALE };
  /** Input time units to output units, fixed once the header is written (read once: each getter call crosses into C++). */
  #scale = 1;
  /** The last packet handed to the muxer: the next fragment out holds it. */
  #last: PacketMeta | null = null;
  /** The packet inside the fragment being written out now. */
  #inside: PacketMeta | null = null;
  #started = false;
  #closed = false;
  /** What a browser needs to know before the init segment: the RFC 6381 codec string and the size. */
  readonly codec: string;
  readonly width: number;
  readonly height: number;

  constructor(libraries: FFmpegLibraries, stream: AvStream, sink: LiveSegmentSink) {
    const { av, c } = libraries;
    this.#av = av;
    this.#c = c;
    this.#sink = sink;
    const par = stream.codecpar;
    const hevc = par.codecId === c.AV_CODEC_ID_HEVC;
    if (par.codecId !== c.AV_CODEC_ID_H264 && !hevc) {
      throw new Error(`the camera sends ${av.avGetCodecName(par.codecId) ?? 'an unknown codec'}; live video needs H.264 or H.265 (browsers cannot play it otherwise without re-encoding)`);
    }
    if (!par.extradata || par.extradata.length === 0) throw new Error('the stream has not announced its parameter sets (SPS/PPS) yet');
    this.width = par.width;
    this.height = par.height;
    const rate = stream.avgFrameRate.num > 0 && stream.avgFrameRate.den > 0 ? stream.avgFrameRate.num / stream.avgFrameRate.den : 25;
    this.#defaultFrame = TIMESCALE / rate;
    this.#output = new av.FormatContext();
    this.#check(this.#output.allocOutputContext2(null, 'mp4', null), 'allocating the MP4 muxer');
    this.#io = new av.IOContext();
    this.#io.allocContextWithCallbacks(IO_BUFFER_BYTES, 1, null, (bytes: Buffer) => this.#written(bytes), null);
    this.#output.pb = this.#io;
    this.#output.setFlags(c.AVFMT_FLAG_CUSTOM_IO);
    const out = this.#output.newStream(null);
    par.copy(out.codecpar);
    // hvc1 (parameter sets in the sample description) is what Safari plays; avc1 for H.264.
    out.codecpar.codecTag = hevc ? 'hvc1' : 0;
    out.timeBase = new av.Rational(1, TIMESCALE);
    const options = new av.Dictionary();
    options.set('movflags', 'empty_moov+default_base_moof+frag_every_frame');
    this.#check(this.#output.writeHeaderSync(options), 'writing the MP4 header');
    this.#outTimeBase = out.timeBase;
    const tb = stream.timeBase;
    this.#scale = (tb.num * this.#outTimeBase.den) / (tb.den * this.#outTimeBase.num);
    const codec = out.codecpar.getCodecString() ?? (hevc ? 'hvc1' : 'avc1');
    this.codec = hevc ? codec.replace(/^hev1/, 'hvc1') : codec;
    this.#packet = new av.Packet();
    this.#packet.alloc();
  }

  /** A packet as read from the camera, at `wallMs`. Packets before the first key frame are skipped. */
  write(packet: AvPacket, wallMs: number): void {
    if (this.#closed) return;
    const key = packet.isKeyframe;
    if (!this.#started && !key) return;
    this.#started = true;
    const scale = (t: bigint): number | null => (t === this.#c.AV_NOPTS_VALUE ? null : Number(t) * this.#scale);
    const placed = placePacket(this.#timeline, scale(packet.dts), scale(packet.pts), this.#defaultFrame);
    this.#timeline = placed.timeline;
    const out = this.#packet;
    out.ref(packet);
    out.streamIndex = 0;
    out.dts = BigInt(Math.round(placed.dts));
    out.pts = BigInt(Math.round(placed.pts));
    // The muxer takes each duration from the next packet's time, which it knows when this one is written out.
    out.duration = 0n;
    out.pos = -1n;
    // The muxer writes the previous packet's fragment while it takes this one.
    this.#inside = this.#last;
    this.#last = { key, wallMs, pts: placed.pts };
    const ret = this.#output.writeFrameSync(out);
    out.unref();
    this.#check(ret, 'writing a packet');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#output.pb = null;
    this.#io.freeContext();
    this.#output.freeContext();
    this.#packet.free();
  }

  /** The muxer's write callback: pieces out as they complete, with the times of the packet inside. */
  #written(bytes: Buffer): number {
    const copy = Buffer.from(bytes);
    for (const piece of this.#splitter.push(copy)) {
      if (piece.kind === 'init') {
        this.#sink(MEDIA_INIT, Date.now(), 0, piece.data);
        continue;
      }
      const meta = this.#inside;
      this.#sink(meta?.key ? MEDIA_KEY : 0, meta?.wallMs ?? Date.now(), (meta?.pts ?? 0) / (this.#outTimeBase.den / this.#outTimeBase.num), piece.data);
    }
    return bytes.length;
  }

  #check(ret: number, what: string): void {
    if (ret < 0) throw new Error(`${what} failed: ${this.#av.FFmpegError.strerror(ret)}`);
  }
}
