import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpegPath } from '../../src/ingest';
import { DecoderChild } from '../helpers/decoder-child';
import { CLIP } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);
const SIZE = { width: 320, height: 180 };
const WINDOW_MS = 3000;

/** Frames out per second over a fixed window (a rate), and the share of packets decoded, once the decoder runs. */
async function measure(d: DecoderChild): Promise<{ fps: number; decodedShare: number }> {
  await waitFor(() => d.frames.length > 0 && d.progress > 1, { timeoutMs: 20_000, what: 'the decoder running' });
  const [frames, packets, decoded] = [d.frames.length, d.packets, d.decoded];
  await sleep(WINDOW_MS);
  return { fps: ((d.frames.length - frames) * 1000) / WINDOW_MS, decodedShare: (d.decoded - decoded) / Math.max(1, d.packets - packets) };
}

/**
 * The decoder process on a stream with B-frames, as many encoders (and the bench's clip) make
 * them: frames no other frame refers to are left undecoded while analysis takes at most half the
 * stream's frames, and the frames still go out at the camera's rate.
 */
describe('a decoder on a stream with B-frames (real FFmpeg, the decoder process)', () => {
  const group = new ProcessGroup();
  let clip: string;
  before(async () => {
    // 4 s of the stage clip (29.97 fps) re-encoded by x264 with 3 B-frames: most of them referenced by nothing.
    clip = join(mkdtempSync(join(tmpdir(), 'vigil-bframes-')), 'bframes.mp4');
    await run(resolveFfmpegPath(undefined), ['-hide_banner', '-loglevel', 'error', '-i', CLIP, '-t', '4', '-an', '-vf', 'scale=640:360', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '60', clip]);
  });
  after(() => group.killAll());

  it('skips the unreferenced frames at 5 of 30 fps, and not above half the stream rate or when told not to; 5 fps out either way', async () => {
    const work = (fps: number) => ({ decode: 'all' as const, fps, wakeOnMotion: false });
    const skipping = new DecoderChild(group, clip, { ...SIZE, work: work(5) });
    const told = new DecoderChild(group, clip, { ...SIZE, work: work(5), skipNonReference: false });
    const busy = new DecoderChild(group, clip, { ...SIZE, work: work(20) });
    const [a, b, c] = await Promise.all([measure(skipping), measure(told), measure(busy)]);
    const seen = JSON.stringify({ skipping: a, told: b, busy: c });
    assert.ok(a.decodedShare < 0.85, `unreferenced B-frames are not decoded at 5 fps: ${seen}`);
    assert.ok(b.decodedShare > 0.95, `every frame decoded when told not to skip: ${seen}`);
    assert.ok(c.decodedShare > 0.95, `every frame decoded when analysis takes 20 of 30 fps: ${seen}`);
    for (const [name, m] of [['skipping', a], ['not skipping', b]] as const) assert.ok(m.fps >= 4.3 && m.fps <= 5.7, `${name}: ${m.fps} frames a second out, 5 asked: ${seen}`);
  });
});
