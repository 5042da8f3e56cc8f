import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReport, planBulk, runBulk, type Enroller } from '../../../src/cli/bulk-enrol';
import { renderBar } from '../../../src/cli/progress';
import { VigilError } from '../../../src/errors';

function peopleFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-people-'));
  for (const [person, files] of Object.entries({ 'Ada Lovelace': ['b.jpg', 'a.PNG', 'notes.txt', '.DS_Store'], Grace: ['g.webp'], '.hidden': ['x.jpg'] })) {
    mkdirSync(join(root, person));
    for (const file of files) writeFileSync(join(root, person, file), `${person}/${file}`);
  }
  writeFileSync(join(root, 'loose.jpg'), 'x');
  return root;
}

describe('bulk enrolment plan and run', () => {
  it('one person per folder, photos by extension and in name order; the rest is listed as ignored', () => {
    const root = peopleFolder();
    const plan = planBulk(root);
    assert.deepEqual(plan.people, [
      { name: 'Ada Lovelace', photos: [join(root, 'Ada Lovelace', 'a.PNG'), join(root, 'Ada Lovelace', 'b.jpg')] },
      { name: 'Grace', photos: [join(root, 'Grace', 'g.webp')] },
    ]);
    assert.deepEqual(plan.ignored, [
      { path: 'Ada Lovelace/notes.txt', reason: 'not a photo by its name' },
      { path: 'loose.jpg', reason: 'not in a person folder' },
    ]);
    assert.throws(() => planBulk(join(root, 'loose.jpg')), /not a readable folder/);
  });

  it('goes on after a refused photo, skips what is known by sha256, stops on other errors', async () => {
    const root = peopleFolder();
    const enrolled: string[] = [];
    const known = new Map<string, Set<string>>();
    const enroller: Enroller = {
      known: async (person) => known.get(person) ?? new Set(),
      enrol: async (person, photo, _bytes, sha256) => {
        if (photo.endsWith('a.PNG')) throw new VigilError('VIGIL_ERR_ENROLL_MULTIPLE_FACES', `${photo}: 2 faces found`);
        enrolled.push(photo);
        known.set(person, new Set([...(known.get(person) ?? []), sha256]));
      },
      close: async () => {},
    };
    const progress: number[] = [];
    const first = await runBulk(planBulk(root), enroller, (done) => progress.push(done));
    assert.deepEqual(progress, [0, 1, 2, 3]);
    assert.deepEqual([first.enrolled.length, first.skipped.length, first.refused.map((r) => r.code)], [2, 0, ['VIGIL_ERR_ENROLL_MULTIPLE_FACES']]);
    const again = await runBulk(planBulk(root), enroller);
    assert.deepEqual([again.enrolled.length, again.skipped.length, again.refused.length], [0, 2, 1]);
    assert.equal(enrolled.length, 2, 'nothing enrolled twice');
    const text = formatReport(first);
    assert.match(text, /^2 people: 2 photo\(s\) enrolled, 0 already enrolled \(skipped\), 1 refused, 2 ignored/);
    assert.match(text, /refused  .*a\.PNG  \[VIGIL_ERR_ENROLL_MULTIPLE_FACES\] .*2 faces found/);

    const broken: Enroller = { ...enroller, enrol: async () => Promise.reject(new VigilError('VIGIL_ERR_HOST_UNREACHABLE', 'gateway gone')) };
    await assert.rejects(runBulk(planBulk(root), broken), /gateway gone/);
  });

  it('draws a bar that fits the terminal', () => {
    assert.equal(renderBar(5, 10, 'Ada/a.jpg', 80), '[##########----------] 5/10 Ada/a.jpg');
    assert.equal(renderBar(0, 0, '', 80), '[####################] 0/0 ');
    const narrow = renderBar(1, 3, 'a-very-long-person-name/and-a-long-photo-name.jpg', 40);
    assert.ok(narrow.length <= 39 && narrow.endsWith('name.jpg') && narrow.includes('…'), narrow);
  });
});
