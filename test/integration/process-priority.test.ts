import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CameraUrl, FrameBufferPool, LEGACY_FFMPEG, decodeWork, ffmpegBackend, nativeBackend, resolveFfmpegPath, type DecoderBackend, type DecoderRun } from '../../src/ingest';
import { niceAbove, setProcessNice } from '../../src/lifecycle/priority';
import { CLIP, ROOT } from '../helpers/paths';
import { openDetectorWorkers } from '../helpers/detector-workers';
import { waitFor } from '../helpers/wait';

// Linux only: the scheduler's figures come from /proc (field numbers from proc(5)).

/** Fields of /proc/<pid>/task/<tid>/stat after the command name: [0] is field 3 (state). */
function statFields(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}
const niceOf = (pid: number, tid: number): number => Number(statFields(`/proc/${pid}/task/${tid}/stat`)[16]);
const sessionOf = (pid: number): number => Number(statFields(`/proc/${pid}/stat`)[3]);
const threadsOf = (pid: number): number[] => readdirSync(`/proc/${pid}/task`).map(Number);
const nicesOf = (pid: number): number[] => threadsOf(pid).map((tid) => niceOf(pid, tid));

const OWN_NICE = niceOf(process.pid, process.pid);
const SIZE = { width: 320, height: 180 };
const NATIVE = { motion: { ratio: 3, minBytes: 2000, warmupPackets: 15 }, maxCatchUpPackets: 600, maxCatchUpBytes: 16 * 1024 ** 2, skipLoopFilter: true, skipNonReference: true };

const runs: DecoderRun[] = [];
after(() => {
  for (const run of runs) run.kill();
});

/** One camera on the stage clip (looped), with whatever backend; resolves once its first frame is out. */
async function decode(backend: DecoderBackend): Promise<DecoderRun> {
  let frames = 0;
  const pool = new FrameBufferPool(SIZE.width * SIZE.height * 3, 4);
  const run = backend.start({
    url: CameraUrl.parse(`file:${CLIP}`, { allowLocalFiles: true, baseDir: ROOT }),
    ...SIZE,
    fps: 5,
    rtspTransport: 'tcp',
    loop: true,
    hwaccel: 'none',
    work: decodeWork('full', false, 5),
    pool,
    redact: (line) => line,
    listener: {
      frame: (buffer) => {
        frames += 1;
        pool.release(buffer);
      },
      alive: () => undefined,
      event: () => undefined,
      media: () => undefined,
      exit: () => undefined,
    },
  });
  runs.push(run);
  await waitFor(() => frames > 0, { timeoutMs: 20_000, what: `a frame from the ${backend.name} decoder` });
  return run;
}

describe('CPU priority: the gateway thread first, bulk work after (Linux)', () => {
  it('niceAbove stays within the nice range and never goes below its base', () => {
    assert.equal(niceAbove(0, 10), 10);
    assert.equal(niceAbove(5, 10), 15);
    assert.equal(niceAbove(15, 10), 19);
    assert.equal(niceAbove(19, 10), 19);
    assert.equal(niceAbove(3, 0), 3);
  });

  it('setProcessNice moves every thread of a running process, and the threads it starts later inherit it', async () => {
    // A node child with its start-up threads (V8's) running when it says `up`, and a worker thread of its own 300 ms later.
    const code = "process.stdout.write('up\\n'); setTimeout(() => new (require('node:worker_threads').Worker)('setTimeout(() => {}, 5000)', { eval: true }), 300); setTimeout(() => {}, 5000)";
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = child.pid as number;
      let up = false;
      child.stdout?.on('data', () => (up = true));
      await waitFor(() => up, { timeoutMs: 10_000, what: 'the child up' });
      assert.ok(threadsOf(pid).length > 1, 'its start-up threads are running');
      const before = threadsOf(pid).length;
      const target = niceAbove(OWN_NICE, 7);
      assert.equal(setProcessNice(pid, target), target > OWN_NICE ? before : 0);
      await waitFor(() => threadsOf(pid).length > before, { timeoutMs: 5000, what: 'the worker thread started after' });
      assert.deepEqual(new Set(nicesOf(pid)), new Set([target]), 'every thread, the later ones too');
      assert.equal(setProcessNice(pid, OWN_NICE), 0, 'never lowers a value (that needs privilege)');
    } finally {
      child.kill('SIGKILL');
    }
  });

  for (const [name, backend] of [
    ['native decoder', (nice: number) => nativeBackend({ ...NATIVE, nice })],
    ['ffmpeg command', (nice: number) => ffmpegBackend({ path: resolveFfmpegPath(undefined), capabilities: LEGACY_FFMPEG, resolvesHostNames: false, nice })],
  ] as const) {
    it(`a ${name} runs in the gateway's session, every thread of it 10 steps below the gateway; 0 leaves it level`, async () => {
      const low = await decode(backend(10));
      const level = await decode(backend(0));
      const [lowPid, levelPid] = [low.pid as number, level.pid as number];
      // Its own session would put it in an autogroup of its own, where no nice value reaches (decoder-process.ts).
      assert.equal(sessionOf(lowPid), sessionOf(process.pid), 'the same session as the gateway');
      assert.ok(threadsOf(lowPid).length > 1, 'its decoding threads are running');
      assert.deepEqual(new Set(nicesOf(lowPid)), new Set([niceAbove(OWN_NICE, 10)]), `every thread of the decoder: ${nicesOf(lowPid).join(',')}`);
      assert.deepEqual(new Set(nicesOf(levelPid)), new Set([OWN_NICE]), 'decoderNice 0: the gateway\'s own value');
      assert.equal(niceOf(process.pid, process.pid), OWN_NICE, 'the gateway thread is untouched');
      await Promise.all([low.stop(2000), level.stop(2000)]);
    });
  }

  it('inference worker threads take their nice value before loading models; the gateway thread keeps its own', async () => {
    const before = new Set(threadsOf(process.pid));
    const opened = await openDetectorWorkers({ workers: 2, intraOpThreads: 2, nice: 10 });
    try {
      const started = threadsOf(process.pid).filter((tid) => !before.has(tid));
      const lowered = started.filter((tid) => niceOf(process.pid, tid) === niceAbove(OWN_NICE, 10));
      // Each worker thread and the intra-op thread ONNX Runtime starts for it (2 threads asked: the caller and one more).
      assert.ok(lowered.length >= 4, `${lowered.length} of ${started.length} new threads at nice ${niceAbove(OWN_NICE, 10)}`);
      assert.equal(niceOf(process.pid, process.pid), OWN_NICE, 'the gateway thread is untouched');
    } finally {
      await opened.pool.destroy();
    }
  });

  it('a worker thread lowers only itself', async () => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { lowerOwnThreadPriority } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'lifecycle', 'priority.js'))});
       parentPort.postMessage({ nice: lowerOwnThreadPriority(4), tid: Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) });
       setTimeout(() => {}, 2000);`,
      { eval: true },
    );
    try {
      const answer = await new Promise<{ nice: number; tid: number }>((resolve) => worker.once('message', resolve));
      assert.equal(answer.nice, niceAbove(OWN_NICE, 4));
      assert.equal(niceOf(process.pid, answer.tid), niceAbove(OWN_NICE, 4));
      assert.equal(niceOf(process.pid, process.pid), OWN_NICE);
    } finally {
      await worker.terminate();
    }
  });
});
