import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../src/config';
import { CACHE_DIR } from './media';
import { enrolReference, streamsYaml, type GatewayConfigOptions } from './gateway-config';
import { onCleanup, signal, signalGroup } from './cleanup';
import { isAlive, readTree, type ProcSample } from './proc-stats';

export type GatewayOptions = GatewayConfigOptions & {
  /** A streams file of its own (the soak and chaos runs' RTSP cameras) instead of the bench's file cameras. */
  readonly yaml?: string;
  /** More environment for the gateway (Kafka brokers, tokens, NODE_OPTIONS). */
  readonly env?: NodeJS.ProcessEnv;
};

export interface GatewayExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Processes of the gateway's tree still alive after it exited (killed by the bench). */
  readonly leftovers: string[];
}

const START_TIMEOUT_MS = 60_000;
/** The gateway bounds its own shutdown at 15 s; past this it is killed. */
const STOP_TIMEOUT_MS = 20_000;
const LISTENING = 'Vigil listening on http://';
export const GATEWAY_LOG = join(CACHE_DIR, 'last-gateway.log');

/** The real gateway (`node bin/vigil.js serve`) as a child process, on a free port, with a throw-away config. */
export class GatewayProcess {
  readonly #child: ChildProcess;
  readonly #tempDir: string;
  readonly #log: WriteStream;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #forgetCleanup: () => void;
  /** Every process seen under the gateway, so stragglers can be found after it exits. */
  readonly #descendants = new Map<number, string>();
  /** warn/error/fatal log messages, for the report. */
  readonly problems: string[] = [];
  port = 0;

  private constructor(tempDir: string, env: NodeJS.ProcessEnv) {
    this.#tempDir = tempDir;
    mkdirSync(CACHE_DIR, { recursive: true });
    this.#log = createWriteStream(GATEWAY_LOG);
    this.#child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'vigil.js'), 'serve'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      // A session of its own, as a service manager starts it: where Linux shares CPU by session
      // (autogroup), the bench's processes (the RTSP server standing in for remote cameras
      // included) are not in the gateway's share. Its decoders stay in its session and group.
      detached: true,
    });
    // 'close', not 'exit': by then every stdout line has reached the log.
    this.#exited = new Promise((resolve) => this.#child.once('close', (code, sig) => resolve({ code, signal: sig })));
    // If the bench dies, the gateway's exit handler cannot run, so its ffmpeg children are killed here too.
    this.#forgetCleanup = onCleanup(() => {
      this.#remember();
      signalGroup(this.pid, 'SIGKILL');
      for (const pid of this.#descendants.keys()) signal(pid, 'SIGKILL');
    });
    this.#child.stderr?.pipe(this.#log, { end: false });
  }

  /** With recognition on, the reference person is enrolled into the fresh data dir first. */
  static async start(options: GatewayOptions): Promise<GatewayProcess> {
    const tempDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
    const configPath = join(tempDir, 'streams.yaml');
    writeFileSync(configPath, options.yaml ?? streamsYaml(options));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VIGIL_CONFIG: configPath,
      VIGIL_PORT: '0',
      VIGIL_DATA_DIR: join(tempDir, 'data'),
      LOG_LEVEL: 'info',
      // Kafka stays off even if the caller's shell names brokers: the bench measures the gateway alone.
      KAFKA_BROKERS: '',
      // No tokens: the bench binds 127.0.0.1 and its own clients carry none.
      VIGIL_TOKENS: '',
      VIGIL_TOKENS_FILE: '',
      // Span export only with --tracing on (a loopback receiver), never from the caller's shell.
      OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
      ...options.env,
    };
    try {
      if (options.recognition) await enrolReference(env);
    } catch (error) {
      rmSync(tempDir, { recursive: true, force: true });
      throw error;
    }
    const gateway = new GatewayProcess(tempDir, env);
    try {
      gateway.port = await gateway.#waitForPort();
      return gateway;
    } catch (error) {
      await gateway.stop();
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get dataDir(): string {
    return join(this.#tempDir, 'data');
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The gateway process and everything under it (its ffmpeg children). */
  tree(): ProcSample[] {
    const pid = this.pid;
    if (pid === undefined) return [];
    const tree = readTree(pid);
    for (const s of tree) if (s.pid !== pid) this.#descendants.set(s.pid, s.comm);
    return tree;
  }

  /** SIGTERM, as an operator would; SIGKILL if it does not stop in time. Then sweeps up stragglers. */
  async stop(): Promise<GatewayExit> {
    this.#remember();
    signal(this.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(this.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await this.#exited;
    clearTimeout(timer);
    const leftovers: string[] = [];
    for (const [pid, comm] of this.#descendants) {
      if (!isAlive(pid, comm)) continue;
      leftovers.push(`${comm}(${pid})`);
      signal(pid, 'SIGKILL');
    }
    this.#forgetCleanup();
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
    rmSync(this.#tempDir, { recursive: true, force: true });
    return { ...exit, leftovers };
  }

  #remember(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.tree();
  }

  #waitForPort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start within ${START_TIMEOUT_MS / 1000} s; see ${GATEWAY_LOG}`)), START_TIMEOUT_MS);
      this.#child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with code ${code} before listening; see ${GATEWAY_LOG}`));
      });
      const lines = createInterface({ input: this.#child.stdout! });
      lines.on('line', (line) => {
        this.#log.write(`${line}\n`);
        let entry: { level?: number; msg?: string; port?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          return;
        }
        // pino levels: 40 warn, 50 error, 60 fatal.
        if ((entry.level ?? 0) >= 40 && this.problems.length < 50) this.problems.push(String(entry.msg));
        if (entry.msg?.startsWith(LISTENING) && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        }
      });
    });
  }
}
