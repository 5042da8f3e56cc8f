import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES } from './paths';

/** What `vigil enroll --dir --json` prints. */
export interface BulkReport {
  people: number;
  enrolled: { person: string; image: string }[];
  skipped: { person: string; image: string }[];
  refused: { person: string; image: string; code: string; message: string }[];
  ignored: { path: string; reason: string }[];
}

/** A PEOPLE/ folder from the fixture photos; obama2.jpg (two people) sits between two good photos. */
export function peopleFolder(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'vigil-bulk-')), 'people');
  mkdirSync(join(root, 'Barack Obama'), { recursive: true });
  mkdirSync(join(root, 'Joe Biden'));
  copyFileSync(join(FACES, 'obama', 'obama1.jpg'), join(root, 'Barack Obama', 'obama1.jpg'));
  copyFileSync(join(FACES, 'scenes', 'obama_and_biden.jpg'), join(root, 'Barack Obama', 'obama2.jpg'));
  copyFileSync(join(FACES, 'obama', 'obama3.jpg'), join(root, 'Barack Obama', 'obama3.jpg'));
  copyFileSync(join(FACES, 'biden', 'biden1.jpg'), join(root, 'Joe Biden', 'biden1.jpg'));
  writeFileSync(join(root, 'README.txt'), 'one folder per person\n');
  return root;
}

/** Checks what a bulk run did: counts by outcome, and the one refused photo. */
export function assertFirstRun(report: BulkReport): void {
  assert.equal(report.people, 2);
  assert.deepEqual(report.enrolled.map((e) => e.image.split('/').slice(-2).join('/')), ['Barack Obama/obama1.jpg', 'Barack Obama/obama3.jpg', 'Joe Biden/biden1.jpg']);
  assert.deepEqual(report.refused.map((r) => [r.person, r.image.split('/').at(-1), r.code]), [['Barack Obama', 'obama2.jpg', 'VIGIL_ERR_ENROLL_MULTIPLE_FACES']]);
  assert.match(report.refused[0]?.message ?? '', /\d+ faces found/);
  assert.deepEqual(report.ignored, [{ path: 'README.txt', reason: 'not in a person folder' }]);
}

