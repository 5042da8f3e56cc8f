import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIGIL_BIN } from '../helpers/paths';
import { ProcessGroup } from '../helpers/processes';
import { startGateway } from '../helpers/gateway';
import { assertFirstRun, peopleFolder, type BulkReport } from '../helpers/people-folder';

const OPERATOR = 'e2e-bulk-operator-token-0123456789';

/** Runs the CLI without blocking this process (the gateway's output keeps flowing meanwhile). */
function vigil(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * `vigil enroll --dir --url`: the same bulk enrolment through a running gateway's API. The gateway
 * records each photo's sha256, so a second run skips them; its rate limit (one change at a time
 * here) is waited out, not reported as a failure.
 */
describe('vigil enroll --dir against a running gateway', () => {
  const group = new ProcessGroup();
  after(async () => group.killAll());

  it('enrols through the API with the same summary, waits out the rate limit, and skips photos already in on a second run', async () => {
    const gateway = await startGateway(group, { api: { rateLimitBurst: 1, rateLimitPerMinute: 60 }, cameras: [] }, { VIGIL_TOKENS: `operator:${OPERATOR}` });
    const root = peopleFolder();
    // VIGIL_URL is not what selects the gateway for enroll: --url is.
    const env = { ...process.env, VIGIL_URL: '', VIGIL_DATA_DIR: join(gateway.dataDir, 'not-used-by-remote') };
    const first = await vigil(['enroll', '--dir', root, '--url', gateway.baseUrl, '--token', OPERATOR, '--json'], env);
    assert.equal(first.status, 1, first.stderr);
    assertFirstRun(JSON.parse(first.stdout) as BulkReport);
    const statuses = gateway.logs.flatMap((l) => ((l.res as { statusCode?: number } | undefined)?.statusCode ?? []));
    assert.ok(statuses.includes(429), 'the rate limit was hit (one change a second) and waited out');

    const auth = { authorization: `Bearer ${OPERATOR}` };
    const identities = (await (await fetch(`${gateway.baseUrl}/v1/identities`, { headers: auth })).json()) as { id: string; name: string; faces: number }[];
    assert.deepEqual(identities.map((i) => [i.name, i.faces]).sort(), [['Barack Obama', 2], ['Joe Biden', 1]]);
    const obama = identities.find((i) => i.name === 'Barack Obama') as { id: string };
    const faces = (await (await fetch(`${gateway.baseUrl}/v1/identities/${obama.id}/faces`, { headers: auth })).json()) as { sha256: string }[];
    const sha = (file: string): string => createHash('sha256').update(readFileSync(join(root, 'Barack Obama', file))).digest('hex');
    assert.deepEqual(faces.map((f) => f.sha256), [sha('obama1.jpg'), sha('obama3.jpg')]);

    const again = await vigil(['enroll', '--dir', root, '--url', gateway.baseUrl, '--token', OPERATOR, '--json'], env);
    assert.equal(again.status, 1, again.stderr);
    const report = JSON.parse(again.stdout) as BulkReport;
    assert.deepEqual([report.enrolled.length, report.skipped.length, report.refused.length], [0, 3, 1]);
    const after = (await (await fetch(`${gateway.baseUrl}/v1/identities`, { headers: auth })).json()) as { name: string; faces: number }[];
    assert.deepEqual(after.map((i) => [i.name, i.faces]).sort(), [['Barack Obama', 2], ['Joe Biden', 1]]);

    // A token that may not enrol stops the run with the API's code (exit 1), not a refusal per photo.
    const refused = await vigil(['enroll', '--dir', root, '--url', gateway.baseUrl, '--token', 'not-a-valid-token-0123456789'], env);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /VIGIL_ERR_UNAUTHORIZED/);
  });
});
