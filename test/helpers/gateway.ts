import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { VIGIL_BIN } from './paths';
import type { ProcessGroup } from './processes';

export interface Gateway {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  /** Every log line printed so far (JSON objects; non-JSON lines kept as { raw }). */
  readonly logs: Record<string, unknown>[];
  /** Everything printed on stdout and stderr so far, as text (up to 4 MB each). */
  readonly output: () => { stdout: string; stderr: string };
}

/**
 * Starts the real gateway (`vigil serve`) as a child process with a streams file written from
 * `config`, on port 0; resolves once it logs the address it listens on.
 */
export async function startGateway(group: ProcessGroup, config: object, env: Record<string, string> = {}): Promise<Gateway> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const configPath = join(dir, 'streams.yaml');
  writeFileSync(configPath, stringify(config));
  const dataDir = join(dir, 'data');
  const child = group.spawn(process.execPath, [VIGIL_BIN, 'serve'], {
    env: { ...process.env, VIGIL_CONFIG: configPath, VIGIL_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
  });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  let stdoutText = '';
  let stderrText = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdoutText.length < 4 * 1024 ** 2) stdoutText += chunk.toString();
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    if (stderrText.length < 4 * 1024 ** 2) stderrText += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const line = logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('Vigil listening'));
      if (line && typeof line.port === 'number') {
        clearInterval(timer);
        resolve(line.port);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`gateway exited with ${String(code)} before listening: ${stderr}\n${JSON.stringify(logs.slice(-5))}`));
    });
  });
  return { process: child, baseUrl: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/v1/events`, dataDir, logs, output: () => ({ stdout: stdoutText, stderr: stderrText }) };
}
