import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DetectorPool } from '../src/inference';
import { createLogger } from '../src/observability';
import { ANALYSIS, FRAME_BYTES, decodeSpec, ffmpegPath, unpacedArgs } from './media';
import { onCleanup, signal } from './cleanup';
import { MachineLoad, readProc, UsageSampler, type ProcSample } from './proc-stats';

/** Both limits skip their first second: process start-up and model warm-up are not throughput. */
const WARM_UP_MS = 1000;

export interface DecodeLimit {
  /** Analysis frames (640x360 RGB) per second, all N ffmpeg together. */
  readonly fps: number;
  readonly ffmpegCpuPercent: number;
  /** The bench's own CPU while draining the pipes (the gateway pays the same to read frames). */
  readonly readerCpuPercent: number;
  /** CPU used by anything else on the machine meanwhile; should be near 0. */
  readonly otherCpuPercent: number;
}

export interface DetectorLimit {
  readonly fps: number;
  /** The bench process, worker threads included. */
  readonly cpuPercent: number;
  readonly meanInferenceMs: number;
  /** CPU used by anything else on the machine meanwhile; should be near 0. */
  readonly otherCpuPercent: number;
}

function cpuPercentSince(start: NodeJS.CpuUsage, seconds: number): number {
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1e6 / seconds) * 100;
}

/**
 * N ffmpeg processes with the gateway's exact arguments minus `-re`: how many analysis frames per
 * second this machine can decode from this clip when nothing else runs.
 */
export async function measureDecodeLimit(clip: string, cameras: number, seconds: number): Promise<DecodeLimit> {
  const args = unpacedArgs(decodeSpec(clip, true));
  const bytes: number[] = new Array<number>(cameras).fill(0);
  const children: ChildProcess[] = [];
  const failures: string[] = [];
  const forget = onCleanup(() => children.forEach((c) => signal(c.pid, 'SIGKILL')));
  let stopping = false;
  try {
    for (let i = 0; i < cameras; i += 1) {
      const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (bytes[i] = (bytes[i] ?? 0) + chunk.length));
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
      child.on('error', (error) => failures.push(`ffmpeg ${i} could not run: ${error.message}`));
      child.on('exit', (code) => {
        if (!stopping) failures.push(`ffmpeg ${i} exited early with ${code}: ${stderr.trim()}`);
      });
      children.push(child);
    }
    const sampler = new UsageSampler<'ffmpeg'>(
      () => children.map((c) => (c.pid === undefined ? undefined : readProc(c.pid))).filter((s): s is ProcSample => s !== undefined),
      () => 'ffmpeg',
    );
    await sleep(WARM_UP_MS);
    const startBytes = bytes.reduce((a, b) => a + b, 0);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const machine = new MachineLoad();
    sampler.start();
    await sleep(seconds * 1000);
    sampler.stop();
    const machineCpu = machine.cpuPercent();
    const elapsed = (performance.now() - started) / 1000;
    const frames = (bytes.reduce((a, b) => a + b, 0) - startBytes) / FRAME_BYTES;
    if (failures.length > 0) throw new Error(failures.join('\n'));
    const ffmpegCpuPercent = sampler.summary('ffmpeg').cpuPercent;
    const readerCpuPercent = cpuPercentSince(cpu, elapsed);
    return { fps: frames / elapsed, ffmpegCpuPercent, readerCpuPercent, otherCpuPercent: Math.max(0, machineCpu - ffmpegCpuPercent - readerCpuPercent) };
  } finally {
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
    forget();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => signal(child.pid, 'SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    signal(child.pid, 'SIGTERM');
  });
}

/**
 * The detector pool alone, fed real decoded frames with `workers` tasks always in flight: how
 * many frames per second the model can analyse on this machine when nothing else runs.
 */
export async function measureDetectorLimit(frames: readonly ArrayBuffer[], workers: number, seconds: number, recognition: boolean, liveness = true): Promise<DetectorLimit> {
  let inferenceMs = 0;
  let inferences = 0;
  const pool = new DetectorPool({
    workers,
    executionProviders: ['cpu'],
    intraOpThreads: 1,
    scoreThreshold: 0.7,
    iouThreshold: 0.3,
    maxFaces: 100,
    // With recognition on, every frame also gets landmarks, quality and liveness: the same work
    // the gateway does per frame, so the limit is comparable.
    analysis: recognition,
    // stderr keeps the report on stdout clean.
    logger: createLogger('warn', process.stderr),
    onInference: (ms) => {
      inferenceMs += ms;
      inferences += 1;
    },
  });
  await pool.start();
  let done = 0;
  let next = 0;
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const frame = frames[next++ % frames.length];
      // detect() moves the buffer to the worker, so each call gets its own copy of the frame.
      if (frame) await pool.detect(frame.slice(0), ANALYSIS.width, ANALYSIS.height, recognition, liveness);
      done += 1;
    }
  };
  const loops = Array.from({ length: workers }, () => loop());
  try {
    await Promise.race([sleep(WARM_UP_MS), ...loops]);
    const startDone = done;
    const startInferences = inferences;
    const startInferenceMs = inferenceMs;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const machine = new MachineLoad();
    await Promise.race([sleep(seconds * 1000), ...loops]);
    const machineCpu = machine.cpuPercent();
    const elapsed = (performance.now() - started) / 1000;
    const cpuPercent = cpuPercentSince(cpu, elapsed);
    return {
      fps: (done - startDone) / elapsed,
      cpuPercent,
      meanInferenceMs: (inferenceMs - startInferenceMs) / Math.max(1, inferences - startInferences),
      otherCpuPercent: Math.max(0, machineCpu - cpuPercent),
    };
  } finally {
    running = false;
    await Promise.allSettled(loops);
    await pool.close();
  }
}
