import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { getPriority } from 'node:os';
import { VigilError } from '../errors';
import { niceAbove, setProcessNice } from '../lifecycle/priority';

/** Where ffmpeg comes from: FFMPEG_PATH when set, else the binary shipped by @ffmpeg-installer. */
export function resolveFfmpegPath(override?: string): string {
  if (override) return override;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

/**
 * A short synchronous run of a decoder binary (the ffmpeg probe, once at start-up, before any
 * camera runs): exit status and stdout + stderr, or the error that kept it from running.
 */
export function runSync(command: string, args: readonly string[], timeoutMs: number): { status: number | null; stdout: string; stderr: string; error: Error | undefined } {
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: out.status, stdout: out.stdout ?? '', stderr: out.stderr ?? '', error: out.error };
}

/** Every decoder alive, so crash paths can kill them synchronously. */
const liveDecoders = new Set<number>();

/** Kills every decoder process (native decoder or ffmpeg) this process started. Synchronous: safe in 'exit' and crash handlers. */
export function killAllDecoders(): void {
  for (const pid of liveDecoders) signalDecoder(pid, 'SIGKILL');
  liveDecoders.clear();
}

function signalDecoder(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

export interface DecoderProcessOptions {
  /** A line for the child's stdin (the native decoder's setup, the camera URL included). */
  readonly input?: string;
  /** How far above the gateway's own nice value the decoder runs (0: the same); see `ingest.decoderNice`. */
  readonly nice?: number;
}

const STDERR_LINES = 20;
const STDERR_LINE_CHARS = 500;

/** What a decoder child reports to its supervisor. */
export interface DecoderProcessListener {
  /** A chunk of stdout (frames: raw for ffmpeg, framed messages for the native decoder). */
  data(chunk: Buffer): void;
  /** Once: the process is gone, with its code, signal and the last lines of stderr. */
  exit(exit: DecoderExit): void;
}

/**
 * One decoder child (the native decoder, or ffmpeg). Tells its listener of stdout chunks and,
 * once, of its exit with the code, signal and the last lines of stderr. Stderr is held in a
 * bounded buffer; `redact` is applied to each line before it is kept, so a URL with credentials
 * echoed by the decoder never leaves this object. `input` (the native decoder's setup, the camera
 * URL included) goes to stdin, never to the command line. The only place in Vigil that spawns a
 * decoder.
 *
 * The child stays in the gateway's session and runs `nice` steps below it. Not in a session of
 * its own: where Linux groups threads by session for CPU shares (autogroup, the default outside a
 * CPU cgroup), each decoder would get as much CPU as the whole gateway, and no nice value works
 * across sessions (measured with 8 live 1080p cameras on 2 cores: the gateway's event-loop delay
 * p99 went from 45.6 to 22.1 ms with the decoders' groups at nice 10; loadtest/README).
 */
export class DecoderProcess {
  readonly #child: ChildProcess;
  readonly #listener: DecoderProcessListener;
  readonly #exitWaiters: (() => void)[] = [];
  readonly #stderr: string[] = [];
  readonly #redact: (line: string) => string;
  #partialLine = '';
  #exited = false;

  constructor(command: string, args: readonly string[], redact: (line: string) => string, listener: DecoderProcessListener, options: DecoderProcessOptions = {}) {
    const { input, nice = 0 } = options;
    this.#redact = redact;
    this.#listener = listener;
    this.#child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) {
      this.#child.stdin?.on('error', () => undefined);
      this.#child.stdin?.write(`${input}\n`);
    }
    const pid = this.#child.pid;
    if (pid !== undefined) liveDecoders.add(pid);
    // Set now, while the child (just started) has one thread: the threads it starts inherit it.
    // Set again with its first output, for any thread started before this call ran.
    const target = pid !== undefined && nice > 0 ? niceAbove(safePriority(pid), nice) : null;
    if (target !== null) setProcessNice(pid as number, target);
    this.#child.stdout?.once('data', () => {
      if (target !== null && !this.#exited) setProcessNice(pid as number, target);
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => this.#listener.data(chunk));
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (text: string) => this.#collectStderr(text));
    this.#child.on('error', (error) => {
      this.#finish(null, null, new VigilError('VIGIL_ERR_FFMPEG_SPAWN', `the decoder could not be started: ${error.message}`, { path: command }));
    });
    this.#child.on('close', (code, signal) => this.#finish(code, signal, undefined));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Adds a line of our own to the stderr tail (the reason shown if the run ends now). */
  note(line: string): void {
    this.#stderr.push(this.#redact(line.slice(0, STDERR_LINE_CHARS)));
    if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
  }

  /** A line on the child's stdin (commands to the native decoder); false when it is gone. */
  send(line: string): boolean {
    const stdin = this.#child.stdin;
    if (this.#exited || !stdin || stdin.destroyed) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  /** The last meaningful stderr lines, redacted, oldest first. */
  get stderrTail(): readonly string[] {
    const partial = this.#partialLine.trim();
    return partial ? [...this.#stderr, this.#redact(partial)] : [...this.#stderr];
  }

  /** Asks the decoder to stop (SIGTERM), then kills it if it has not exited after `graceMs`. */
  stop(graceMs = 2000): Promise<void> {
    if (this.#exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(), graceMs);
      this.#exitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      const pid = this.#child.pid;
      if (pid !== undefined) signalDecoder(pid, 'SIGTERM');
    });
  }

  /** Kills it now. */
  kill(): void {
    const pid = this.#child.pid;
    if (pid !== undefined && !this.#exited) signalDecoder(pid, 'SIGKILL');
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
    if (pid !== undefined) liveDecoders.delete(pid);
    this.#listener.exit({ code, signal, error, stderrTail: this.stderrTail });
    for (const wake of this.#exitWaiters.splice(0)) wake();
  }
}

/** A process's nice value; 0 when it cannot be read (already gone). */
function safePriority(pid: number): number {
  try {
    return getPriority(pid);
  } catch {
    return 0;
  }
}

export interface DecoderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error: VigilError | undefined;
  readonly stderrTail: readonly string[];
}
