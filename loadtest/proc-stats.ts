import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** One process as /proc/<pid>/stat shows it. */
export interface ProcSample {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  /** utime + stime, in clock ticks; covers every thread of the process (node's workers included). */
  readonly cpuTicks: number;
  readonly rssBytes: number;
}

function getconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

export const CLK_TCK = getconf('CLK_TCK', 100);
const PAGE_SIZE = getconf('PAGESIZE', 4096);

/** Reads one process, or undefined when it is gone (it can exit between listing and reading). */
export function readProc(pid: number): ProcSample | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses, so split only after its last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  // After comm the fields start at stat field 3 (state); index i here is field i + 3.
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number): number => Number(rest[n - 3] ?? 0);
  return { pid, ppid: field(4), comm, cpuTicks: field(14) + field(15), rssBytes: field(24) * PAGE_SIZE };
}

/** The process and all its descendants. /proc has no child list per process, so every pid is read once. */
export function readTree(rootPid: number): ProcSample[] {
  const all: ProcSample[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const sample = readProc(Number(name));
    if (sample) all.push(sample);
  }
  const byParent = new Map<number, ProcSample[]>();
  for (const s of all) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const root = all.find((s) => s.pid === rootPid);
  if (!root) return [];
  const tree: ProcSample[] = [];
  const queue = [root];
  for (let next = queue.shift(); next; next = queue.shift()) {
    tree.push(next);
    queue.push(...(byParent.get(next.pid) ?? []));
  }
  return tree;
}

export interface UsageSummary {
  /** 100 = one core fully busy over the window. */
  readonly cpuPercent: number;
  /** Highest sum of resident memory seen at one sample. */
  readonly peakRssMb: number;
  /** Mean of the per-sample sums of resident memory. */
  readonly meanRssMb: number;
}

const EMPTY: UsageSummary = { cpuPercent: 0, peakRssMb: 0, meanRssMb: 0 };

/**
 * Samples a group of processes at a fixed interval and sums their CPU and memory per group.
 * CPU is summed from per-pid differences between consecutive samples, so a process that starts
 * or exits mid-window (an ffmpeg restart) counts only for its time inside the window.
 */
export class UsageSampler<G extends string> {
  readonly #list: () => ProcSample[];
  readonly #groupOf: (sample: ProcSample) => G | readonly G[] | undefined;
  readonly #previous = new Map<number, ProcSample>();
  readonly #ticks = new Map<G, number>();
  readonly #rss = new Map<G, number[]>();
  readonly #seenPids = new Set<number>();
  readonly #totalRss: number[] = [];
  #totalTicks = 0;
  #timer: NodeJS.Timeout | null = null;
  #startedAt = 0;
  #stoppedAt = 0;

  /** A sample may count in several groups (an ffmpeg in "all ffmpeg" and in its camera's); the total counts it once. */
  constructor(list: () => ProcSample[], groupOf: (sample: ProcSample) => G | readonly G[] | undefined) {
    this.#list = list;
    this.#groupOf = groupOf;
  }

  start(intervalMs = 500): void {
    this.#startedAt = performance.now();
    for (const s of this.#list()) this.#previous.set(s.pid, s);
    // Unref'd: a run that fails mid-window must still be able to exit.
    this.#timer = setInterval(() => this.#sample(), intervalMs).unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#sample();
    this.#stoppedAt = performance.now();
  }

  /** Every pid seen while sampling, so stragglers can be checked for and killed afterwards. */
  get seenPids(): ReadonlySet<number> {
    return this.#seenPids;
  }

  summary(group: G): UsageSummary {
    return this.#summarise(this.#ticks.get(group) ?? 0, this.#rss.get(group) ?? []);
  }

  /** All groups together; the peak is of the summed memory, not a sum of per-group peaks. */
  totalSummary(): UsageSummary {
    return this.#summarise(this.#totalTicks, this.#totalRss);
  }

  #summarise(ticks: number, rss: readonly number[]): UsageSummary {
    const seconds = (this.#stoppedAt - this.#startedAt) / 1000;
    if (seconds <= 0 || rss.length === 0) return EMPTY;
    const mb = (bytes: number): number => bytes / (1024 * 1024);
    return {
      cpuPercent: (ticks / CLK_TCK / seconds) * 100,
      peakRssMb: mb(Math.max(...rss)),
      meanRssMb: mb(rss.reduce((a, b) => a + b, 0) / rss.length),
    };
  }

  #sample(): void {
    const rssNow = new Map<G, number>();
    let rssTotal = 0;
    for (const s of this.#list()) {
      const found = this.#groupOf(s);
      if (found === undefined) continue;
      this.#seenPids.add(s.pid);
      // A pid not listed at start was born inside the window, so all of its CPU time belongs to it.
      const ticks = s.cpuTicks - (this.#previous.get(s.pid)?.cpuTicks ?? 0);
      this.#previous.set(s.pid, s);
      for (const group of typeof found === 'string' ? [found as G] : (found as readonly G[])) {
        this.#ticks.set(group, (this.#ticks.get(group) ?? 0) + ticks);
        rssNow.set(group, (rssNow.get(group) ?? 0) + s.rssBytes);
      }
      this.#totalTicks += ticks;
      rssTotal += s.rssBytes;
    }
    for (const [group, bytes] of rssNow) this.#rss.set(group, [...(this.#rss.get(group) ?? []), bytes]);
    this.#totalRss.push(rssTotal);
  }
}

/**
 * CPU time the whole machine spent busy, from /proc/stat. Subtracting what the bench measured
 * for its own processes leaves what something else ran meanwhile (a build, a test run), which
 * would lower every figure.
 */
export class MachineLoad {
  #busy = 0;
  #at = 0;

  constructor() {
    this.#busy = MachineLoad.#busyTicks();
    this.#at = performance.now();
  }

  /** Busy CPU since construction; 100 = one core. */
  cpuPercent(): number {
    const seconds = (performance.now() - this.#at) / 1000;
    return seconds > 0 ? ((MachineLoad.#busyTicks() - this.#busy) / CLK_TCK / seconds) * 100 : 0;
  }

  static #busyTicks(): number {
    // "cpu user nice system idle iowait irq softirq steal ...": everything but idle and iowait.
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    return fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
  }
}

/** Whether a pid still runs the named program (a pid can be reused once its process is gone). */
export function isAlive(pid: number, comm: string): boolean {
  return readProc(pid)?.comm === comm;
}
