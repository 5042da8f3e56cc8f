import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { commandExists, exited, signalGroup, type ProcessGroup } from './processes';

/** Debian installs the broker in /usr/sbin, which is not on every user's PATH. */
const MOSQUITTO = commandExists('mosquitto') ? 'mosquitto' : '/usr/sbin/mosquitto';

/**
 * A real MQTT broker: Debian's mosquitto, on a free loopback port, with its config and its
 * persistence (so a durable subscriber's session survives a broker restart) in a temp dir.
 * `stop()` and `start()` restart it on the same port, as an outage would.
 */
export class Mosquitto {
  readonly port: number;
  readonly dir: string;
  readonly #group: ProcessGroup;
  #child: ChildProcess | null = null;

  private constructor(group: ProcessGroup, port: number, dir: string) {
    this.#group = group;
    this.port = port;
    this.dir = dir;
  }

  static async start(group: ProcessGroup): Promise<Mosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-mosquitto-'));
    const broker = new Mosquitto(group, await freePort(), dir);
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${broker.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'max_queued_messages 100000',
        // Started as root, mosquitto would switch to the `mosquitto` user, who cannot write the temp dir.
        `user ${userInfo().username}`,
        'log_dest stderr',
        '',
      ].join('\n'),
    );
    await broker.start();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = this.#group.spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')]);
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start: ${log.slice(-500)}`)), 10_000);
      child.once('error', (error) => reject(new Error(`cannot run mosquitto (apt-get install mosquitto): ${error.message}`)));
      child.once('exit', (code) => reject(new Error(`mosquitto exited (${String(code)}): ${log.slice(-500)}`)));
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/mosquitto version \S+ running/.test(log)) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve();
        }
      });
    });
  }

  /** SIGTERM (mosquitto saves its sessions), waits for the exit; SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    signalGroup(child, 'SIGTERM');
    if ((await exited(child, 5000)) === null && child.exitCode === null) {
      signalGroup(child, 'SIGKILL');
      await exited(child, 3000);
    }
  }

  /** Publishes one message with Debian's mosquitto_pub (an independent client). */
  publish(topic: string, payload: string): void {
    const result = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(this.port), '-q', '1', '-t', topic, '-m', payload], { timeout: 5000 });
    if (result.status !== 0) throw new Error(`mosquitto_pub failed: ${result.stderr?.toString() ?? ''}`);
  }
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: number;
  readonly retain: boolean;
}

/**
 * A subscriber that is not Vigil's client: Debian's mosquitto_sub, printing one JSON line per
 * message (`-F %j`). `durable`: a persistent session (`-c -i ID`, QoS 1), so what is published
 * while it is disconnected (a broker restart) is queued for it; it reconnects by itself.
 */
export class MqttSubscriber {
  readonly messages: ReceivedMessage[] = [];
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const m = JSON.parse(line) as { topic: string; payload: string; qos: number; retain: number };
        this.messages.push({ topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain === 1 });
      }
    });
  }

  static start(group: ProcessGroup, broker: Mosquitto, topics: readonly string[], options: { id?: string; durable?: boolean } = {}): MqttSubscriber {
    const args = ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-F', '%j', ...topics.flatMap((t) => ['-t', t])];
    if (options.durable) args.push('-c', '-i', options.id ?? `vigil-test-${process.pid}`);
    else if (options.id) args.push('-i', options.id);
    return new MqttSubscriber(group.spawn('mosquitto_sub', args));
  }

  on(topic: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  async stop(): Promise<void> {
    signalGroup(this.#child, 'SIGKILL');
    await exited(this.#child, 3000);
  }
}
