import { readFileSync } from 'node:fs';
import { CLK_TCK, MachineLoad, readTree } from './proc-stats';
import { scrape, sumBy, total } from './prometheus';

/** One look at the gateway's memory (and its decoders'), with what it had done by then. */
export interface MemorySample {
  /** Seconds since the gateway listened. */
  readonly t: number;
  readonly gatewayRssMb: number;
  /** The same split (/proc/PID/status): anonymous memory (heaps, arenas) and file pages mapped in (libraries, anything memory-mapped, which the kernel can drop again). */
  readonly gatewayAnonMb: number;
  readonly gatewayFileMb: number;
  /** Every descendant (decoder processes, their ffmpeg if any), summed. */
  readonly childrenRssMb: number;
  /** The same, proportional set size: shared pages (the FFmpeg and node libraries every decoder maps) divided among their users. */
  readonly childrenPssMb: number;
  readonly children: number;
  readonly heapUsedMb: number;
  /** What V8 has committed for its heap (used or not). */
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly tracks: number;
  readonly framesAnalyzed: number;
  /** Gateway tree CPU since the previous sample (100 = one core). */
  readonly cpuPercent: number;
  /** Whole machine busy CPU since the previous sample, and the 1-minute load average. */
  readonly machineCpuPercent: number;
  readonly loadAverage: number;
}

const MB = 1024 * 1024;

/** Samples the gateway tree from /proc and its /metrics at a fixed interval. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  readonly #pid: number;
  readonly #baseUrl: string;
  readonly #startedAt = performance.now();
  #ticks = 0;
  #machine = new MachineLoad();
  #last = performance.now();

  constructor(pid: number, baseUrl: string) {
    this.#pid = pid;
    this.#baseUrl = baseUrl;
  }

  async sample(): Promise<MemorySample | null> {
    const tree = readTree(this.#pid);
    const root = tree.find((p) => p.pid === this.#pid);
    if (!root) return null;
    const metrics = await scrape(this.#baseUrl).catch(() => []);
    const value = (name: string): number => total(sumBy(metrics, name, '__none__'));
    const now = performance.now();
    const ticks = tree.reduce((sum, p) => sum + p.cpuTicks, 0);
    const seconds = (now - this.#last) / 1000;
    const sample: MemorySample = {
      t: Math.round((now - this.#startedAt) / 1000),
      gatewayRssMb: root.rssBytes / MB,
      ...rssSplitMb(this.#pid),
      childrenRssMb: tree.filter((p) => p.pid !== this.#pid).reduce((sum, p) => sum + p.rssBytes, 0) / MB,
      childrenPssMb: tree.filter((p) => p.pid !== this.#pid).reduce((sum, p) => sum + pssKib(p.pid), 0) / 1024,
      children: tree.length - 1,
      heapUsedMb: value('nodejs_heap_size_used_bytes') / MB,
      heapTotalMb: value('nodejs_heap_size_total_bytes') / MB,
      externalMb: value('nodejs_external_memory_bytes') / MB,
      tracks: value('vigil_face_tracks_total'),
      framesAnalyzed: value('vigil_frames_analyzed_total'),
      cpuPercent: this.samples.length === 0 || seconds <= 0 ? 0 : ((ticks - this.#ticks) / CLK_TCK / seconds) * 100,
      machineCpuPercent: this.#machine.cpuPercent(),
      loadAverage: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    };
    this.#ticks = ticks;
    this.#last = now;
    this.#machine = new MachineLoad();
    this.samples.push(sample);
    return sample;
  }
}

/** A process's resident anonymous and file-backed memory (MB), from /proc/PID/status; 0 when gone. */
function rssSplitMb(pid: number): { gatewayAnonMb: number; gatewayFileMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { gatewayAnonMb: kib('RssAnon') / 1024, gatewayFileMb: (kib('RssFile') + kib('RssShmem')) / 1024 };
  } catch {
    return { gatewayAnonMb: 0, gatewayFileMb: 0 };
  }
}

/** A process's proportional set size (KiB), from /proc/PID/smaps_rollup; 0 when gone. */
function pssKib(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Least-squares slope of y over x (per unit of x), or 0 with fewer than two points. Pure. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The sample closest to `t` seconds (the first at or after it, else the last). */
export function sampleAt(samples: readonly MemorySample[], t: number): MemorySample | undefined {
  return samples.find((s) => s.t >= t) ?? samples.at(-1);
}
