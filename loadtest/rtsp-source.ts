import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config';
import { onCleanup, signal } from './cleanup';

/** Debian's python3 carries GStreamer's Python bindings (a pyenv python3 on PATH would not). */
const SYSTEM_PYTHON = '/usr/bin/python3';
const SERVER = join(PROJECT_ROOT, 'test', 'helpers', 'rtsp-tcp-server.py');
const READY_TIMEOUT_MS = 15_000;

/**
 * Live cameras as a site has them: GStreamer's RTSP server (gst-rtsp-server, Debian) serving the
 * scene's clip at its own pace; each client gets its own session from the clip's start, RTP over
 * the RTSP TCP connection when asked (the gateway asks for TCP by default).
 */
export class RtspSource {
  readonly url: string;
  readonly #child: ChildProcess;
  readonly #forget: () => void;

  private constructor(child: ChildProcess, port: number, forget: () => void) {
    this.#child = child;
    this.url = `rtsp://127.0.0.1:${port}/cam`;
    this.#forget = forget;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  static start(clip: string): Promise<RtspSource> {
    const child = spawn(SYSTEM_PYTHON, [SERVER, clip, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
    return new Promise((resolve, reject) => {
      let seen = '';
      let errors = '';
      child.stderr?.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
      const timer = setTimeout(() => reject(new Error(`GStreamer RTSP server not ready in 15 s: ${errors}`)), READY_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /ready (\d+)/.exec(seen);
        if (!match) return;
        clearTimeout(timer);
        resolve(new RtspSource(child, Number(match[1]), forget));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        forget();
        reject(new Error(`GStreamer RTSP server exited with ${String(code)}: ${errors} (needs python3-gi and gir1.2-gst-rtsp-server-1.0: npm test installs them)`));
      });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    signal(this.#child.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(this.#child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.#forget();
  }
}
