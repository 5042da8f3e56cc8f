import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { startGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait';

/**
 * The gateway's log format: JSON when stdout is a pipe (collectors), pino-pretty when
 * LOG_FORMAT=pretty (what a terminal gets by default; a test cannot easily give the child a
 * terminal, so the pretty path is forced). In both, the last line ("Vigil stopped") is written
 * before the process exits on SIGTERM.
 */
describe('gateway log format', () => {
  const group = new ProcessGroup();
  after(async () => group.killAll());

  it('is JSON under a pipe by default, to the last line', async () => {
    const gateway = await startGateway(group, { cameras: [] });
    signalGroup(gateway.process, 'SIGTERM');
    assert.equal(await exited(gateway.process, 20_000), 0);
    const lines = gateway.output().stdout.trim().split('\n');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.equal((JSON.parse(lines.at(-1) as string) as { msg: string }).msg, 'Vigil stopped');
  });

  it('is human-readable with LOG_FORMAT=pretty, and the last line still comes out on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pretty-'));
    writeFileSync(join(dir, 'streams.yaml'), 'cameras: []\n');
    const child = group.spawn(process.execPath, [VIGIL_BIN, 'serve'], {
      env: { ...process.env, VIGIL_CONFIG: join(dir, 'streams.yaml'), VIGIL_DATA_DIR: join(dir, 'data'), VIGIL_PORT: '0', VIGIL_HOST: '127.0.0.1', LOG_FORMAT: 'pretty' },
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [, port] = await waitFor(() => /Vigil listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout), { timeoutMs: 30_000, what: 'the gateway to listen' });
    assert.equal((await fetch(`http://127.0.0.1:${port as string}/healthz`)).status, 200);
    signalGroup(child, 'SIGTERM');
    assert.equal(await exited(child, 20_000), 0);
    const lines = stdout.trim().split('\n');
    assert.match(lines.find((l) => l.includes('Vigil listening')) ?? '', /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Vigil listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(lines.every((line) => !line.startsWith('{')), 'no JSON lines');
    assert.match(lines.at(-1) as string, /INFO: Vigil stopped$/);
  });
});
