import { spawn, type ChildProcess } from 'node:child_process';
import { VigilError } from '../errors';

/** Where ffmpeg comes from: FFMPEG_PATH when set, else the binary shipped by @ffmpeg-installer. */
export function resolveFfmpegPath(override?: string): string {
  if (override) return override;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/** Process groups of every ffmpeg alive, so crash paths can kill them synchronously. */
const liveGroups = new Set<number>();

/** Kills every ffmpeg this process started. Synchronous: safe in 'exit' and crash handlers. */
export function killAllFfmpeg(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const STDERR_LINES = 20;
const STDERR_LINE_CHARS = 500;

/** What an ffmpeg child reports to its supervisor. */
export interface FfmpegListener {
  /** A chunk of stdout (raw frames, cut by the supervisor). */
  data(chunk: Buffer): void;
  /** Once: the process is gone, with its code, signal and the last lines of stderr. */
  exit(exit: FfmpegExit): void;
}

/**
 * One ffmpeg child in its own process group. Tells its listener of stdout chunks and, once, of
 * its exit with the code, signal and the last lines of stderr. Stderr is held in a bounded buffer; `redact` is applied to
 * each line before it is kept, so a URL with credentials echoed by ffmpeg never leaves this object.
 * The only place in Vigil that spawns ffmpeg.
 */
export class FfmpegProcess {
  readonly #child: ChildProcess;
  readonly #listener: FfmpegListener;
  readonly #exitWaiters: (() => void)[] = [];
  readonly #stderr: string[] = [];
  readonly #redact: (line: string) => string;
  #partialLine = '';
  #exited = false;

  constructor(ffmpegPath: string, args: readonly string[], redact: (line: string) => string, listener: FfmpegListener) {
    this.#redact = redact;
    this.#listener = listener;
    this.#child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pid = this.#child.pid;
    if (pid !== undefined) liveGroups.add(pid);
    this.#child.stdout?.on('data', (chunk: Buffer) => this.#listener.data(chunk));
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (text: string) => this.#collectStderr(text));
    this.#child.on('error', (error) => {
      this.#finish(null, null, new VigilError('VIGIL_ERR_FFMPEG_SPAWN', `ffmpeg could not be started: ${error.message}`, { path: ffmpegPath }));
    });
    this.#child.on('close', (code, signal) => this.#finish(code, signal, undefined));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** The last meaningful stderr lines, redacted, oldest first. */
  get stderrTail(): readonly string[] {
    const partial = this.#partialLine.trim();
    return partial ? [...this.#stderr, this.#redact(partial)] : [...this.#stderr];
  }

  /** Asks the whole group to stop, then kills it if it has not exited after `graceMs`. */
  stop(graceMs = 2000): Promise<void> {
    if (this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs);
      this.#exitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      const pid = this.#child.pid;
      if (pid !== undefined) killGroup(pid, 'SIGTERM');
    });
  }

  /** Kills the whole group now. */
  kill(): void {
    const pid = this.#child.pid;
    if (pid !== undefined && !this.#exited) killGroup(pid, 'SIGKILL');
  }

  #collectStderr(text: string): void {
    const lines = (this.#partialLine + text).split(/\r?\n|\r/);
    this.#partialLine = (lines.pop() ?? '').slice(-STDERR_LINE_CHARS);
    for (const line of lines) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      this.#stderr.push(this.#redact(trimmed.slice(0, STDERR_LINE_CHARS)));
      if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
    }
  }

  #finish(code: number | null, signal: NodeJS.Signals | null, error: VigilError | undefined): void {
    if (this.#exited) return;
    this.#exited = true;
    const pid = this.#child.pid;
    if (pid !== undefined) {
      // ffmpeg is gone, but a helper it forked could linger in the group.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    }
    this.#listener.exit({ code, signal, error, stderrTail: this.stderrTail });
    for (const wake of this.#exitWaiters.splice(0)) wake();
  }
}

export interface FfmpegExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: VigilError | undefined;
  readonly stderrTail: readonly string[];
}
