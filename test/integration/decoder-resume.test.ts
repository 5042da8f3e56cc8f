import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FLAG_CATCH_UP, FLAG_KEYFRAME } from '../../src/ingest/decoder-protocol';
import type { DecodeWork } from '../../src/ingest';
import { DecoderChild } from '../helpers/decoder-child';
import { liveClips } from '../helpers/live-clips';
import { ProcessGroup } from '../helpers/processes';
import { waitFor } from '../helpers/wait';

const SIZE = { width: 320, height: 180 };
/** Motion that a real scene never shows: only the gateway's command wakes the camera. */
const NO_MOTION = { ratio: 1000, minBytes: 1_000_000_000, warmupPackets: 15 };
const ALL: DecodeWork = { decode: 'all', fps: 10, wakeOnMotion: false };

/**
 * Decodes key frames only until a key frame is out and at least 10 packets more were read after
 * it (the packets a catch-up would decode), then asks for every frame. Returns how many frames
 * had come out before the command.
 */
async function decodeAllMidGop(d: DecoderChild): Promise<number> {
  await waitFor(() => d.frames.some((f) => f.flags & FLAG_KEYFRAME), { timeoutMs: 20_000, what: 'a key frame decoded' });
  await waitFor(() => d.progress > 0, { timeoutMs: 5000, what: 'a progress report' });
  const after = d.packets;
  await waitFor(() => d.packets >= after + 10, { timeoutMs: 5000, what: '10 packets after the key frame' });
  const before = d.frames.length;
  d.send({ cmd: 'work', work: ALL });
  await waitFor(() => d.frames.length >= before + 3, { timeoutMs: 10_000, what: 'frames after the command' });
  return before;
}

describe('a decoder resuming every frame (real FFmpeg, the decoder process)', () => {
  const group = new ProcessGroup();
  let clip: string;
  before(async () => {
    // 2 s of the stage clip, a key frame at its start: looped, a key frame every 2 s.
    clip = (await liveClips()).h264;
  });
  after(() => group.killAll());

  it('raised by the capacity controller from key frames, it resumes at the next key frame: no catch-up burst', async () => {
    const d = new DecoderChild(group, clip, { ...SIZE, work: { decode: 'keyframes', fps: 10, wakeOnMotion: false } });
    const before = await decodeAllMidGop(d);
    const first = d.frames[before];
    assert.ok(first && first.flags & FLAG_KEYFRAME, `the first frame after the command is the next key frame (flags ${first?.flags})`);
    assert.ok(d.frames.every((f) => (f.flags & FLAG_CATCH_UP) === 0), 'no frame came from a catch-up');
    assert.deepEqual(d.events.filter((e) => e.kind === 'woke'), [], 'nothing woke');
  });

  it('woken by the gateway while idle (a face in a key frame), it catches up from the last key frame at once', async () => {
    const d = new DecoderChild(group, clip, { ...SIZE, work: { decode: 'keyframes', fps: 10, wakeOnMotion: true }, motion: NO_MOTION });
    const before = await decodeAllMidGop(d);
    const woke = d.events.find((e) => e.kind === 'woke');
    assert.ok(woke && woke.kind === 'woke' && woke.reason === 'command', `woken by the command (${JSON.stringify(woke)})`);
    assert.ok(woke.catchUpPackets >= 10, `decoded the ${woke.catchUpPackets} packets since the key frame`);
    assert.ok((d.frames[before]?.flags ?? 0) & FLAG_CATCH_UP, 'the first frame after the command is the newest one, caught up');
  });
});
