import { spawn, type ChildProcess } from 'node:child_process';
import { onCleanup, signal } from './cleanup';
import { paintClock } from './live-clock';
import { ffmpegPath } from './media';
import { PYTHON, SERVER } from './rtsp-sources';

const FPS = 30;

export interface ClockSourceOptions {
  readonly width: number;
  readonly height: number;
  /** Key frame interval in frames (a camera's GOP). */
  readonly gop: number;
  readonly bitrate: string;
}

/**
 * A live camera showing the time: this process paints each frame (grey, a moving bar, and the
 * clock blocks of live-clock.ts holding the wall time it was painted), 30 a second, into an
 * x264 encoder (ultrafast, zerolatency: no look-ahead, no B-frames), whose H.264 goes to
 * GStreamer's RTSP server (test/helpers/rtsp-tcp-server.py reading standard input), served at
 * rtsp://127.0.0.1:PORT/cam over TCP like any camera. A frame the encoder cannot take at once is
 * skipped, never sent late with an old time.
 */
export class ClockSource {
  readonly #options: ClockSourceOptions;
  readonly #encoder: ChildProcess;
  readonly #server: ChildProcess;
  readonly #forget: () => void;
  readonly #frameBytes: number;
  readonly #base: Buffer;
  #timer: NodeJS.Timeout | null = null;
  #frame = 0;
  #started = 0;
  skipped = 0;
  sent = 0;
  url = '';

  constructor(options: ClockSourceOptions) {
    this.#options = options;
    const { width, height } = options;
    this.#frameBytes = (width * height * 3) / 2;
    this.#base = Buffer.alloc(this.#frameBytes, 128);
    this.#base.fill(90, 0, width * height);
    this.#encoder = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-r', String(FPS), '-i', '-',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(options.gop), '-bf', '0', '-b:v', options.bitrate, '-maxrate', options.bitrate, '-bufsize', options.bitrate,
      '-x264-params', 'repeat-headers=1', '-f', 'h264', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#server = spawn(PYTHON, [SERVER, '-', '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#encoder.stdout?.pipe(this.#server.stdin!);
    this.#encoder.stdin?.on('error', () => undefined);
    this.#server.stdin?.on('error', () => undefined);
    this.#forget = onCleanup(() => {
      signal(this.#encoder.pid, 'SIGKILL');
      signal(this.#server.pid, 'SIGKILL');
    });
  }

  get pids(): number[] {
    return [this.#encoder.pid, this.#server.pid].filter((p): p is number => p !== undefined);
  }

  async start(): Promise<void> {
    this.url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      let errors = '';
      this.#server.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
      const timer = setTimeout(() => reject(new Error(`RTSP server not ready in 15 s: ${errors}`)), 15_000);
      this.#server.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /ready (\d+)/.exec(seen);
        if (!match) return;
        clearTimeout(timer);
        resolve(`rtsp://127.0.0.1:${match[1]}/cam`);
      });
      this.#server.once('exit', (code) => reject(new Error(`RTSP server exited with ${String(code)}: ${errors}`)));
    });
    this.#started = performance.now();
    this.#tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const child of [this.#encoder, this.#server]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signal(child.pid, 'SIGKILL');
      await gone;
    }
    this.#forget();
  }

  /** One frame on the wall clock's 30 Hz grid; late ticks do not pile up. */
  #tick(): void {
    const stdin = this.#encoder.stdin;
    if (stdin && stdin.writableLength < this.#frameBytes * 2) {
      const frame = Buffer.from(this.#base);
      const { width, height } = this.#options;
      // A bar sweeping across: the picture changes like a scene does (P-frames are not empty).
      const bar = Math.floor((this.#frame * 8) % width);
      for (let y = Math.floor(height / 3); y < height; y++) frame.fill(200, y * width + bar, y * width + Math.min(width, bar + 24));
      paintClock(frame, width, width, Date.now());
      stdin.write(frame);
      this.sent += 1;
    } else {
      this.skipped += 1;
    }
    this.#frame += 1;
    const due = this.#started + (this.#frame * 1000) / FPS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, due - performance.now()));
  }
}
