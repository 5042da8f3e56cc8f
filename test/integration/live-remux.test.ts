import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MEDIA_AFTER_GAP, MEDIA_INIT, MEDIA_KEY, boxHeader, type DecoderSetup } from '../../src/ingest';
import { loadFFmpegLibraries } from '../../src/ingest/native/libav';
import { LiveRemux } from '../../src/ingest/native/live-remux';
import { DecoderChild } from '../helpers/decoder-child';
import { ProcessGroup } from '../helpers/processes';
import { liveClips } from '../helpers/live-clips';
import { waitFor } from '../helpers/wait';

const W = 320;
const H = 180;

/** A real decoder process on a looping file, decoding key frames only: the remux must still see every packet. */
class Decoder extends DecoderChild {
  constructor(group: ProcessGroup, file: string, hwaccel: DecoderSetup['hwaccel'] = 'none') {
    super(group, file, { width: W, height: H, work: { decode: 'keyframes', fps: 2, wakeOnMotion: false }, hwaccel });
  }

  live(on: boolean): void {
    this.send({ cmd: 'live', on });
  }
}

const types = (data: Buffer): string[] => {
  const out: string[] = [];
  for (let at = 0; at < data.length; ) {
    const box = boxHeader(data, at);
    if (!box) break;
    out.push(box.type);
    at += box.size;
  }
  return out;
};

describe('live remux in the decoder process (real FFmpeg)', () => {
  const group = new ProcessGroup();
  let clips: Awaited<ReturnType<typeof liveClips>>;
  before(async () => {
    clips = await liveClips();
  });
  after(() => group.killAll());

  it('copies the H.264 packets into fragmented MP4 only while asked: init, then one moof + mdat per packet from a key frame, times continuous across the loop', async () => {
    const d = new Decoder(group, clips.h264);
    await waitFor(() => d.progress >= 2, { timeoutMs: 20_000, what: 'the decoder reading packets' });
    assert.equal(d.media.length, 0, 'nothing remuxed while nobody asked');
    d.live(true);
    // The 2 s clip (one key frame) loops: four key frames are three rewinds.
    await waitFor(() => d.media.filter((m) => m.flags & MEDIA_KEY).length >= 4, { timeoutMs: 30_000, what: 'four key frames remuxed' });
    const live = d.events.find((e) => e.kind === 'live');
    assert.deepEqual(live, { kind: 'live', codec: 'avc1.42c01e', mime: 'video/mp4; codecs="avc1.42c01e"', width: 640, height: 360 });
    const [init, first, ...rest] = d.media;
    assert.ok(init && first);
    assert.equal(init.flags, MEDIA_INIT);
    assert.deepEqual(types(init.data), ['ftyp', 'moov']);
    assert.ok(first.flags & MEDIA_KEY, 'starts at a key frame');
    for (const m of [first, ...rest]) assert.deepEqual(types(m.data), ['moof', 'mdat']);
    const times = [first, ...rest].map((m) => m.mediaSeconds);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] as number) > (times[i - 1] as number), `media time moves forward at ${i}: ${times[i - 1]} -> ${times[i]}`);
    // Each pass of the clip is over a second: three rewinds later the timeline is past 3 s, never reset.
    assert.ok((times[times.length - 1] as number) > 3, `continuous across the rewinds: key frames at ${JSON.stringify(d.media.filter((m) => m.flags & MEDIA_KEY).map((m) => m.mediaSeconds))}`);

    // What was sent is a valid fragmented MP4: FFmpeg reads every packet back, in order, key frame first.
    const file = join(tmpdir(), `vigil-live-${process.pid}.mp4`);
    const written = d.media.slice();
    writeFileSync(file, Buffer.concat(written.map((m) => m.data)));
    const { av, c } = await loadFFmpegLibraries();
    const input = new av.FormatContext();
    assert.ok((await input.openInput(file, null, null)) >= 0);
    await input.findStreamInfo();
    assert.equal(input.streams?.[0]?.codecpar.codecId, c.AV_CODEC_ID_H264);
    const packet = new av.Packet();
    packet.alloc();
    const read: { pts: bigint; key: boolean }[] = [];
    while ((await input.readFrame(packet)) >= 0) {
      read.push({ pts: packet.pts, key: packet.isKeyframe });
      packet.unref();
    }
    await input.closeInput();
    assert.equal(read.length, written.length - 1, 'one packet per fragment');
    assert.ok(read[0]?.key);
    assert.ok(read.every((p, i) => i === 0 || p.pts > (read[i - 1] as { pts: bigint }).pts));

    d.live(false);
    await waitFor(() => d.progress > 0, { timeoutMs: 1000, what: 'progress' });
    const stoppedAt = d.media.length;
    const progressAt = d.progress;
    await waitFor(() => d.progress >= progressAt + 3, { timeoutMs: 10_000, what: 'the decoder still reading after live off' });
    assert.ok(d.media.length <= stoppedAt + 1, `no more media after live off (${d.media.length - stoppedAt} more)`);

    const lives = d.events.filter((e) => e.kind === 'live').length;
    const before = d.media.length;
    d.live(true);
    await waitFor(() => d.media.length >= before + 3, { timeoutMs: 20_000, what: 'media again after live on' });
    assert.equal(d.events.filter((e) => e.kind === 'live').length, lives + 1, 'a new stream is announced');
    assert.equal(d.media[before]?.flags, MEDIA_INIT, 'with its init segment');
    assert.ok((d.media[before + 1]?.flags ?? 0) & MEDIA_KEY, 'and from a key frame');
  });

  it('with hardware decoding asked for (auto), the remux copies the same packets whatever device the decoder ends up on (software where none opens)', async () => {
    const d = new Decoder(group, clips.h264, 'auto');
    d.live(true);
    await waitFor(() => d.media.filter((m) => m.flags & MEDIA_KEY).length >= 2, { timeoutMs: 30_000, what: 'key frames remuxed with hwaccel auto' });
    const hw = d.events.find((e) => e.kind === 'hwaccel');
    assert.ok(hw?.kind === 'hwaccel' && hw.requested === 'auto', `the decoder says which decoding it chose: ${JSON.stringify(hw)}`);
    assert.deepEqual(d.events.find((e) => e.kind === 'live'), { kind: 'live', codec: 'avc1.42c01e', mime: 'video/mp4; codecs="avc1.42c01e"', width: 640, height: 360 });
    assert.equal(d.media[0]?.flags, MEDIA_INIT);
    assert.ok(d.media.slice(1).every((m) => types(m.data).join() === 'moof,mdat'));
  });

  it('H.265 is remuxed with an hvc1 codec string (browsers that play it get it)', async () => {
    const d = new Decoder(group, clips.hevc);
    d.live(true);
    await waitFor(() => d.media.length >= 3, { timeoutMs: 30_000, what: 'H.265 fragments' });
    const live = d.events.find((e) => e.kind === 'live');
    assert.ok(live?.kind === 'live' && /^hvc1\.\d/.test(live.codec), JSON.stringify(live));
    assert.deepEqual(types(d.media[0]!.data), ['ftyp', 'moov']);
  });

  it('a codec no browser plays without re-encoding (MJPEG) is refused with the reason, and the decoder carries on', async () => {
    const d = new Decoder(group, clips.mjpeg);
    d.live(true);
    const error = await waitFor(() => d.events.find((e) => e.kind === 'live-error'), { timeoutMs: 30_000, what: 'a live-error event' });
    assert.match(error.kind === 'live-error' ? error.message : '', /mjpeg; live video needs H\.264 or H\.265/);
    const progress = d.progress;
    await waitFor(() => d.progress > progress + 1, { timeoutMs: 10_000, what: 'the decoder still running' });
    assert.equal(d.media.length, 0);
  });

  it('a gateway reading too slowly loses fragments until a key frame finds the pipe half empty, marked as after a gap; frames and init are never the ones lost', async () => {
    const libraries = await loadFFmpegLibraries();
    const { av, c } = libraries;
    let backlog = 0;
    const out: { flags: number; at: number }[] = [];
    let packetNo = 0;
    const remux = new LiveRemux(libraries, { media: (flags) => out.push({ flags, at: packetNo }), event: () => undefined, backlog: () => backlog }, 1000);
    remux.set(true);
    const input = new av.FormatContext();
    assert.ok((await input.openInput(clips.heavy, null, null)) >= 0);
    await input.findStreamInfo();
    const index = input.findBestStream(c.AVMEDIA_TYPE_VIDEO);
    const stream = input.streams?.[index];
    assert.ok(stream);
    const packet = new av.Packet();
    packet.alloc();
    const keys: number[] = [];
    while ((await input.readFrame(packet)) >= 0 && packetNo < 100) {
      if (packet.streamIndex !== index) {
        packet.unref();
        continue;
      }
      if (packet.isKeyframe) keys.push(packetNo);
      // Packets 10-44: the gateway is behind (backlog over the bound); from 45 on it has caught up to 600 bytes, then 0.
      backlog = packetNo >= 10 && packetNo < 45 ? 5000 : packetNo < 50 ? 600 : 0;
      remux.packet(packet, stream);
      packet.unref();
      packetNo += 1;
    }
    remux.close();
    await input.closeInput();
    // The heavy clip has a key frame every 30 packets: 0, 30, 60, 90.
    assert.deepEqual(keys, [0, 30, 60, 90]);
    // A fragment comes out one packet late (when the next packet is written): fragment of packet p at p + 1.
    const sentAt = out.map((o) => o.at);
    assert.equal(out[0]?.flags, MEDIA_INIT);
    assert.ok(sentAt.includes(9) && !sentAt.some((at) => at >= 10 && at <= 60), `nothing from the first fragment over the bound until the key frame after it: ${JSON.stringify(sentAt)}`);
    const resumed = out.find((o) => o.at === 61);
    assert.ok(resumed && resumed.flags & MEDIA_KEY && resumed.flags & MEDIA_AFTER_GAP, `resumed at packet 60 (a key frame) with the gap flag: ${JSON.stringify(resumed)}`);
    assert.ok(sentAt.filter((at) => at > 61).length >= 38, 'then everything again');
  });
});
