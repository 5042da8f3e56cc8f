import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * CPU priority of the bulk work (decoders, inference threads) below the gateway's own thread.
 *
 * The gateway's event loop serves the API, dashboards and event delivery; it needs little CPU but
 * needs it at once. Decoding and inference are throughput work: a frame decoded or analysed a few
 * milliseconds later costs nothing, and the frame ring already keeps only the freshest. On a
 * loaded box, with every thread at the same priority, the gateway's thread waited for a core
 * longer than it ran (loadtest/README, "What holds it now").
 *
 * Linux's nice value is per thread: `setpriority(PRIO_PROCESS, tid)` changes one thread, and a new
 * thread starts with its creator's value. Raising a nice value needs no privilege; lowering it does.
 */

/** The highest nice value (least CPU). */
export const MAX_NICE = 19;

/** `base + by`, kept within the range a nice value can take. */
export function niceAbove(base: number, by: number): number {
  return Math.min(MAX_NICE, Math.max(base, base + by));
}

/** Thread ids of a process (Linux: /proc/<pid>/task); just the process where /proc is absent. */
function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}

/**
 * Gives every thread of process `pid` the nice value `nice`; threads it starts later inherit it
 * from their creator. Returns how many threads it changed; a process gone or a thread that exited
 * meanwhile is skipped. Never lowers a thread's value (that would need privilege).
 */
export function setProcessNice(pid: number, nice: number): number {
  let changed = 0;
  for (const tid of threadsOf(pid)) {
    try {
      if (getPriority(tid) < nice) {
        setPriority(tid, nice);
        changed += 1;
      }
    } catch {
      // The thread (or the process) is gone.
    }
  }
  return changed;
}

/** The calling thread's id (Linux), or null where it cannot be known. */
function ownThreadId(): number | null {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Raises the calling thread's nice value by `by` (a worker thread: threads it starts later, such
 * as ONNX Runtime's, inherit it). Returns the new value, or null when it could not be set.
 */
export function lowerOwnThreadPriority(by: number): number | null {
  const tid = ownThreadId();
  if (tid === null || by <= 0) return null;
  try {
    const nice = niceAbove(getPriority(tid), by);
    setPriority(tid, nice);
    return nice;
  } catch {
    return null;
  }
}
