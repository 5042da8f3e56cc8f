import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { cameraSchema } from '../../src/config';
import { CameraIngestor, CameraUrl, LEGACY_FFMPEG, ffmpegBackend, type CameraState, type DropReason, type Frame, type IngestListener, type IngestPolicy } from '../../src/ingest';
import type { StateChange } from '../../src/lifecycle';
import { ManualClock } from '../helpers/manual-clock';
import { FAKE_FFMPEG } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

// The supervisor's races and edge cases, driven by a scripted stand-in for ffmpeg (a real child
// process) and a manual clock: stall timeouts, backoff delays and "healthy for long enough" are
// crossed by moving the clock, never by sleeping.

const SIZE = 32;
const POLICY: IngestPolicy = {
  backoff: { baseMs: 1000, maxMs: 60_000 },
  healthyAfterMs: 30_000,
  stallTimeoutMs: 10_000,
  maxFpsFactor: 3,
  rateWindowMs: 5000,
  ringFrames: 4,
  ringBytes: 1024 * 1024,
};
/** Backoff jitter fixed at the top of the range: attempt n waits just under base * 2^n. */
const RANDOM = (): number => 0.999;
const dir = mkdtempSync(join(tmpdir(), 'vigil-supervisor-'));
const running: CameraIngestor[] = [];
after(() => {
  for (const ingestor of running) ingestor.destroy();
});

class Recorder implements IngestListener {
  readonly frames: number[] = [];
  readonly drops: DropReason[] = [];
  readonly states: CameraState[] = [];
  ingestor!: CameraIngestor;
  frameReady(frame: Frame): void {
    const first = frame.data[0] as number;
    // A torn frame (bytes of two frames) would not be one value throughout.
    assert.ok(frame.data.every((b) => b === first), `frame ${frame.seq} is whole`);
    this.frames.push(first);
    this.ingestor.releaseBuffer(this.ingestor.takeFrame()?.data.buffer as ArrayBuffer);
  }
  frameDropped(reason: DropReason): void {
    this.drops.push(reason);
  }
  frameTaken(): void {}
  stateChanged(change: StateChange<CameraState>): void {
    this.states.push(change.to);
  }
  decoderEvent(): void {}
}

let scenarios = 0;
function supervise(runs: object[][], policy: Partial<IngestPolicy> = {}): { ingestor: CameraIngestor; clock: ManualClock; recorder: Recorder; runs: () => number; file: string } {
  const file = join(dir, `scenario-${scenarios++}.json`);
  writeFileSync(file, JSON.stringify({ runs }));
  const camera = cameraSchema.parse({ id: 'fake', url: `file:${file}`, width: SIZE, height: SIZE, fps: 5 });
  const clock = new ManualClock();
  const recorder = new Recorder();
  const ingestor = new CameraIngestor({
    camera,
    url: CameraUrl.parse(camera.url, { allowLocalFiles: true, baseDir: dir }),
    // The stand-in speaks ffmpeg's command line, so it runs behind the ffmpeg backend.
    backend: ffmpegBackend({ path: FAKE_FFMPEG, capabilities: LEGACY_FFMPEG, resolvesHostNames: false }),
    policy: { ...POLICY, ...policy },
    logger: pino({ level: 'silent' }),
    listener: recorder,
    clock,
    random: RANDOM,
  });
  recorder.ingestor = ingestor;
  running.push(ingestor);
  const runCount = (): number => (existsSync(`${file}.runs`) ? readFileSync(`${file}.runs`, 'utf8').trim().split('\n').length : 0);
  return { ingestor, clock, recorder, runs: runCount, file };
}

const until = (what: string, check: () => boolean): Promise<true> => waitFor(() => check() || undefined, { timeoutMs: 10_000, intervalMs: 10, what });

describe('camera supervisor (scripted decoder, manual clock)', () => {
  it('a decoder that goes silent is stalled by time alone, killed, and reconnected after the backoff', async () => {
    const { ingestor, clock, recorder, runs } = supervise([[{ frames: 2 }, { hang: true }], [{ frames: 3 }, { hang: true }]]);
    await ingestor.start();
    await until('two frames', () => recorder.frames.length === 2);
    assert.equal(ingestor.state, 'streaming');
    clock.advance(POLICY.stallTimeoutMs - 500);
    assert.equal(ingestor.state, 'streaming', 'not stalled before the timeout');
    clock.advance(1000);
    await until('backoff after the stall', () => ingestor.state === 'backoff');
    assert.equal(ingestor.lastError?.code, 'VIGIL_ERR_STREAM_STALLED');
    assert.equal(ingestor.stalls.total(clock.now()), 1);
    assert.deepEqual(clock.pendingTimeouts(), [999], 'first reconnect after at most the base delay');
    assert.equal(runs(), 1, 'no reconnect before the delay');
    clock.advance(999);
    await until('the second run streams', () => recorder.frames.length === 5);
    assert.equal(runs(), 2);
    assert.deepEqual(recorder.states, ['starting', 'streaming', 'stalled', 'backoff', 'starting', 'streaming']);
    await ingestor.close();
  });

  it('failures in a row back off exponentially; a run that streamed long enough starts over from the base', async () => {
    const go = join(dir, 'go-healthy');
    const refused = [{ stderr: 'Connection to tcp://10.0.0.1:554 failed: Connection refused' }, { exit: 1 }];
    const { ingestor, clock, recorder } = supervise([refused, refused, refused, [{ frames: 1 }, { waitFile: go }, ...refused], refused]);
    await ingestor.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await until(`backoff ${attempt + 1}`, () => ingestor.state === 'backoff');
      assert.equal(ingestor.lastError?.code, 'VIGIL_ERR_CONNECTION_REFUSED');
      const [delay] = clock.pendingTimeouts();
      delays.push(delay as number);
      clock.advance(delay as number);
    }
    assert.deepEqual(delays, [999, 1998, 3996]);
    await until('the fourth run streams', () => ingestor.state === 'streaming');
    assert.equal(ingestor.attempt, 3, 'still counting until healthy');
    clock.advance(POLICY.healthyAfterMs);
    writeFileSync(go, '');
    await until('backoff after the healthy run', () => ingestor.state === 'backoff' && recorder.frames.length === 1);
    assert.equal(ingestor.attempt, 1, 'counting starts over');
    assert.deepEqual(clock.pendingTimeouts(), [999], 'and so does the delay');
    await ingestor.close();
  });

  it('a stop during the backoff cancels the pending reconnect', async () => {
    const { ingestor, clock, runs } = supervise([[{ stderr: 'Connection refused' }, { exit: 1 }]]);
    await ingestor.start();
    await until('backoff', () => ingestor.state === 'backoff');
    await ingestor.close();
    assert.equal(ingestor.state, 'stopped');
    assert.deepEqual(clock.pendingTimeouts(), []);
    clock.advance(120_000);
    assert.equal(runs(), 1, 'the decoder never ran again');
    assert.equal(ingestor.state, 'stopped');
  });

  it('refused credentials fail the camera for good: no reconnect', async () => {
    const { ingestor, clock, runs } = supervise([[{ stderr: 'method DESCRIBE failed: 401 Unauthorized' }, { exit: 1 }]]);
    await ingestor.start();
    await until('failed', () => ingestor.state === 'failed');
    assert.equal(ingestor.lastError?.code, 'VIGIL_ERR_AUTH_FAILED');
    assert.deepEqual(clock.pendingTimeouts(), []);
    clock.advance(120_000);
    assert.equal(runs(), 1);
    await ingestor.close();
  });

  it('a frame torn by a crash is discarded; the next run delivers whole frames', async () => {
    const { ingestor, clock, recorder } = supervise([[{ frames: 2 }, { partial: 1000 }, { stderr: 'Invalid data found when processing input' }, { exit: 1 }], [{ frames: 2 }, { hang: true }]]);
    await ingestor.start();
    await until('backoff after the crash', () => ingestor.state === 'backoff');
    assert.equal(ingestor.lastError?.code, 'VIGIL_ERR_CORRUPT_DATA');
    clock.advance(clock.pendingTimeouts()[0] as number);
    await until('four whole frames', () => recorder.frames.length === 4);
    assert.deepEqual(recorder.frames, [1, 2, 1, 2], 'each run starts with its own first frame; the torn one never surfaced');
    await ingestor.close();
  });

  it('a decoder far faster than configured is restarted as a frame-rate anomaly, judged over a whole window', async () => {
    const { ingestor, clock, recorder } = supervise([[{ frames: 200 }, { hang: true }], [{ hang: true }]]);
    await ingestor.start();
    await until('200 frames', () => recorder.frames.length === 200);
    clock.advance(POLICY.rateWindowMs - 300);
    assert.equal(ingestor.state, 'streaming', 'a burst inside one window is not judged yet');
    clock.advance(300);
    await until('backoff', () => ingestor.state === 'backoff');
    assert.equal(ingestor.lastError?.code, 'VIGIL_ERR_FRAME_RATE_ANOMALY');
    await ingestor.close();
  });
});
