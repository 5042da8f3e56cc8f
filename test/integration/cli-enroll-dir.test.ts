import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES, VIGIL_BIN } from '../helpers/paths';
import { assertFirstRun, peopleFolder, type BulkReport as Report } from '../helpers/people-folder';

describe('vigil enroll --dir (local gallery, real models)', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bulk-local-'));
  const env = { ...process.env, VIGIL_DATA_DIR: join(work, 'data'), VIGIL_CONFIG: '' };
  const vigil = (...args: string[]) => spawnSync(process.execPath, [VIGIL_BIN, ...args], { cwd: work, env, encoding: 'utf8', timeout: 120_000 });
  const faces = (): Record<string, number> => {
    const list = JSON.parse(vigil('identities', 'list', '--json').stdout) as { name: string; faces: number }[];
    return Object.fromEntries(list.map((i) => [i.name, i.faces]));
  };

  it('enrols each person folder, lists a refused photo with its code and goes on, and is safe to run again', () => {
    const root = peopleFolder();
    const first = vigil('enroll', '--dir', root, '--json');
    assert.equal(first.status, 1, `a refused photo makes exit code 1: ${first.stderr}`);
    assertFirstRun(JSON.parse(first.stdout) as Report);
    assert.deepEqual(faces(), { 'Barack Obama': 2, 'Joe Biden': 1 }, 'the photos around the refused one are in');
    assert.ok(!first.stderr.includes('\r'), 'no progress bar when stderr is not a terminal');

    // Again, for people: every photo already in is skipped (by content), the refusal is repeated.
    const again = vigil('enroll', '--dir', root);
    assert.equal(again.status, 1);
    assert.match(again.stdout, /^2 people: 0 photo\(s\) enrolled, 3 already enrolled \(skipped\), 1 refused, 1 ignored\n/);
    assert.match(again.stdout, /\nrefused  .*Barack Obama\/obama2\.jpg  \[VIGIL_ERR_ENROLL_MULTIPLE_FACES\] .*\d+ faces found/);
    assert.match(again.stdout, /\nignored  README\.txt  \(not in a person folder\)/);
    assert.deepEqual(faces(), { 'Barack Obama': 2, 'Joe Biden': 1 }, 'nothing enrolled twice');

    // The operator fixes the folder: the bad photo replaced, one more added. Only those go in.
    copyFileSync(join(FACES, 'obama', 'obama4.jpg'), join(root, 'Barack Obama', 'obama2.jpg'));
    copyFileSync(join(FACES, 'biden', 'biden2.jpg'), join(root, 'Joe Biden', 'biden2.jpg'));
    const fixed = vigil('enroll', '--dir', root, '--json');
    assert.equal(fixed.status, 0, fixed.stderr);
    const report = JSON.parse(fixed.stdout) as Report;
    assert.deepEqual([report.enrolled.length, report.skipped.length, report.refused.length], [2, 3, 0]);
    assert.deepEqual(faces(), { 'Barack Obama': 3, 'Joe Biden': 2 });
  });

  it('draws a progress bar when stderr is a terminal (run under script(1), a pseudo-terminal)', () => {
    const root = peopleFolder();
    const transcript = join(work, 'tty-transcript');
    const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
    const command = `stty cols 100; ${quote(process.execPath)} ${quote(VIGIL_BIN)} enroll --dir ${quote(root)}`;
    const run = spawnSync('script', ['-qec', command, transcript], { cwd: work, env: { ...env, VIGIL_DATA_DIR: join(work, 'data-tty') }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 1, `script(1) passes on vigil's exit code (1: obama2.jpg refused): ${run.stderr}`);
    const text = readFileSync(transcript, 'utf8');
    assert.match(text, /\r\[#{5}-{15}\] 1\/4 .*obama2\.jpg/);
    assert.match(text, /\r\[#{20}\] 4\/4 /);
    assert.match(text, /\r\x1b\[K2 people: 3 photo\(s\) enrolled/, 'the bar is cleared before the summary');
  });

  it('a photo enrolled with `enroll --name` is not enrolled again by `enroll --dir`', () => {
    const root = peopleFolder();
    const dataDir = join(work, 'data-name');
    const run = (...args: string[]) => spawnSync(process.execPath, [VIGIL_BIN, ...args], { cwd: work, env: { ...env, VIGIL_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run('enroll', '--name', 'Joe Biden', join(root, 'Joe Biden', 'biden1.jpg')).status, 0);
    const bulk = JSON.parse(run('enroll', '--dir', root, '--json').stdout) as Report;
    assert.deepEqual(bulk.skipped.map((s) => s.image.split('/').at(-1)), ['biden1.jpg']);
  });
});
