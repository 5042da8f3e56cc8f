import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/config';
import { freePort } from '../test/helpers/ports';
import { onCleanup, signal } from './cleanup';

/** Debian's python3 carries the GStreamer bindings (python3-gi); a pyenv python3 on PATH would not. */
export const PYTHON = '/usr/bin/python3';
/** GStreamer's RTSP server serving RTP over TCP (`SERVER CLIP|- PORT`; `-` reads H.264 from standard input). */
export const SERVER = join(PROJECT_ROOT, 'test', 'helpers', 'rtsp-tcp-server.py');
const READY_TIMEOUT_MS = 15_000;

/**
 * One live RTSP camera: GStreamer's RTSP server (test/helpers/rtsp-tcp-server.py) serving a clip
 * at rtsp://127.0.0.1:PORT/cam on a fixed port, so that a source killed and started again comes
 * back at the same URL. It can be killed (the camera is gone), frozen (SIGSTOP: connected but
 * silent) and thawed.
 */
export class RtspSource {
  readonly id: string;
  readonly port: number;
  readonly #clip: string;
  #child: ChildProcess | null = null;
  #frozen = false;
  #forget: () => void = () => undefined;

  constructor(id: string, port: number, clip: string) {
    this.id = id;
    this.port = port;
    this.#clip = clip;
  }

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/cam`;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the server; resolves once it listens (it retries while the old socket still holds the port). */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#spawn();
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** The camera dies: SIGKILL, no goodbye to its clients. */
  kill(): void {
    const child = this.#child;
    this.#child = null;
    this.#frozen = false;
    signal(child?.pid, 'SIGCONT');
    signal(child?.pid, 'SIGKILL');
    this.#forget();
  }

  /** The camera hangs: its connections stay open and nothing more comes. */
  freeze(): void {
    if (!this.#child || this.#frozen) return;
    signal(this.#child.pid, 'SIGSTOP');
    this.#frozen = true;
  }

  thaw(): void {
    if (!this.#child || !this.#frozen) return;
    signal(this.#child.pid, 'SIGCONT');
    this.#frozen = false;
  }

  #spawn(): Promise<void> {
    const child = spawn(PYTHON, [SERVER, this.#clip, String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#forget = onCleanup(() => signal(child.pid, 'SIGKILL'));
    return new Promise((resolve, reject) => {
      let seen = '';
      let errors = '';
      const timer = setTimeout(() => fail(new Error(`RTSP source ${this.id} not ready in ${READY_TIMEOUT_MS / 1000} s: ${errors.slice(-300)}`)), READY_TIMEOUT_MS);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        signal(child.pid, 'SIGKILL');
        reject(error);
      };
      child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (!/ready \d+/.test(seen)) return;
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        this.#child = child;
        resolve();
      });
      child.once('error', (error) => fail(new Error(`cannot run ${PYTHON} (python3-gi, gir1.2-gst-rtsp-server-1.0): ${error.message}`)));
      child.once('exit', (code) => {
        if (this.#child === child) this.#child = null;
        fail(new Error(`RTSP source ${this.id} exited with ${String(code)}: ${errors.slice(-300)}`));
      });
    });
  }
}

/** `count` sources on free ports, each serving `clip`, started one after the other. */
export async function startSources(count: number, clip: string, prefix = 'cam'): Promise<RtspSource[]> {
  const sources: RtspSource[] = [];
  for (let i = 0; i < count; i++) {
    const source = new RtspSource(`${prefix}-${i}`, await freePort(), clip);
    await source.start();
    sources.push(source);
  }
  return sources;
}
