import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * Child processes started by a test, each in its own process group, so that `killAll()` in an
 * `after` hook removes them and anything they started.
 */
export class ProcessGroup {
  readonly #children = new Set<ChildProcess>();

  spawn(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  async killAll(): Promise<void> {
    const waiting = [...this.#children].map((child) => exited(child, 3000));
    for (const child of this.#children) signalGroup(child, 'SIGKILL');
    await Promise.all(waiting);
  }
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves with the exit code once the child has exited (or after timeoutMs with null). */
export function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Pids of live processes whose executable name is `name` (from /proc, no pgrep needed). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (comm === name && state !== 'Z') pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/** Pids of processes whose parent is `parentPid`. */
export function childPids(parentPid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !existsSync(`/proc/${entry}/stat`)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parentPid) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The command line of a live process, split into arguments (empty once it is gone). */
export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
  } catch {
    return [];
  }
}

/** A camera decoder: the native decoder process (`node …/decoder-child.js`) or ffmpeg. */
export function isDecoder(pid: number): boolean {
  const args = cmdline(pid);
  return args.some((a) => a.endsWith('decoder-child.js')) || (args[0] ?? '').endsWith('ffmpeg');
}

/** The camera decoders a gateway process runs now. */
export function decoderPids(gatewayPid: number): number[] {
  return childPids(gatewayPid).filter(isDecoder);
}

/** The paths of the files a process has open now (its /proc fd links; sockets and pipes left out). */
export function openFiles(pid: number): string[] {
  const paths: string[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('/')) paths.push(target);
      } catch {
        // Closed while we looked.
      }
    }
  } catch {
    // Gone.
  }
  return paths;
}

/** Every camera decoder on the machine (any parent). */
export function allDecoderPids(): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter(isDecoder);
}

/** Which of `pids` are still running (not zombies). */
export function alive(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  });
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        // Closed while we looked.
      }
    }
  } catch {
    // Gone.
  }
  return inodes;
}

/** Rows of /proc/net/{tcp,udp}{,6}: the remote port and the socket's inode. */
function sockets(table: 'tcp' | 'udp'): { remotePort: number; inode: string }[] {
  const rows: { remotePort: number; inode: string }[] = [];
  for (const file of [`/proc/net/${table}`, `/proc/net/${table}6`]) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const remote = cols[2];
        const inode = cols[9];
        if (remote && inode) rows.push({ remotePort: parseInt(remote.split(':')[1] ?? '0', 16), inode });
      }
    } catch {
      // No IPv6 table.
    }
  }
  return rows;
}

/** How many TCP and UDP sockets a process holds (its fds matched against /proc/net). */
export function socketsOf(pid: number): { tcp: number; udp: number } {
  const inodes = socketInodes(pid);
  return { tcp: sockets('tcp').filter((s) => inodes.has(s.inode)).length, udp: sockets('udp').filter((s) => inodes.has(s.inode)).length };
}

/** Whether a process holds a TCP connection to `port` (loopback tests only). */
export function connectedTo(pid: number, port: number): boolean {
  const inodes = socketInodes(pid);
  return sockets('tcp').some((s) => s.remotePort === port && inodes.has(s.inode));
}
