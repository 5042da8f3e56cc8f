import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FACES, VIGIL_BIN } from '../helpers/paths';

const run = promisify(execFile);

const photos = readdirSync(FACES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'scenes')
  .flatMap((dir) => readdirSync(join(FACES, dir.name)).map((file) => ({ person: dir.name, path: join(FACES, dir.name, file) })));

function vigil(args: string[], dataDir: string) {
  return run(process.execPath, [VIGIL_BIN, ...args], { env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_CONFIG: '' } });
}

describe('recognition on the fixture photos (real models)', () => {
  it('compare --pairs: every same-person pair matches and every different-person pair does not, at the default threshold', async () => {
    const pairs: [typeof photos[number], typeof photos[number]][] = [];
    for (let i = 0; i < photos.length; i++) for (let j = i + 1; j < photos.length; j++) pairs.push([photos[i] as never, photos[j] as never]);
    assert.ok(pairs.length >= 90, `${pairs.length} pairs`);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pairs-'));
    const csv = join(dir, 'pairs.csv');
    writeFileSync(csv, `image_a,image_b\n${pairs.map(([a, b]) => `${a.path},${b.path}`).join('\n')}\n`);
    const { stdout } = await vigil(['compare', '--pairs', csv, '--json'], dir);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { image_a: string; image_b: string; similarity: number; match: boolean });
    assert.equal(rows.length, pairs.length, 'one line per pair');
    const person = new Map(photos.map((p) => [p.path, p.person]));
    let sameMin = 1;
    let diffMax = -1;
    for (const r of rows) {
      const same = person.get(r.image_a) === person.get(r.image_b);
      assert.equal(r.match, same, `${r.image_a} vs ${r.image_b}: similarity ${r.similarity}`);
      if (same) sameMin = Math.min(sameMin, r.similarity);
      else diffMax = Math.max(diffMax, r.similarity);
    }
    process.stdout.write(`# same-person min ${sameMin}, different-person max ${diffMax}\n`);
  });

  it('compare IMAGE_A IMAGE_B prints similarity and match', async () => {
    const { stdout } = await vigil(['compare', '--json', join(FACES, 'obama', 'obama1.jpg'), join(FACES, 'biden', 'biden1.jpg')], tmpdir());
    const row = JSON.parse(stdout) as { similarity: number; match: boolean };
    assert.equal(row.match, false);
    assert.ok(row.similarity < 0.35);
  });

  it('enrol refuses photos with no face or several faces, with a clear message, and stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-enrol-'));
    await assert.rejects(vigil(['enroll', '--name', 'Obama', join(FACES, 'obama', 'obama1.jpg'), join(FACES, 'scenes', 'obama_and_biden.jpg')], dir), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /obama_and_biden\.jpg: \d+ faces found.*VIGIL_ERR_ENROLL_MULTIPLE_FACES/);
      assert.match(e.stderr, /nothing was enrolled/);
      return true;
    });
    const black = join(dir, 'black.png');
    await run(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('sharp'))})({create:{width:200,height:200,channels:3,background:'#000'}}).png().toFile(${JSON.stringify(black)})`]);
    await assert.rejects(vigil(['enroll', '--name', 'Nobody', black], dir), /no face found.*VIGIL_ERR_ENROLL_NO_FACE/s);
    const { stdout } = await vigil(['identities', 'list', '--json'], dir);
    assert.deepEqual(JSON.parse(stdout), []);
  });

  it('enrol, list, "not this person" and remove', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-enrol-'));
    await vigil(['enroll', '--name', 'Obama', '--external-id', 'p-44', join(FACES, 'obama', 'obama1.jpg'), join(FACES, 'obama', 'obama2.jpg')], dir);
    await vigil(['not-person', '--identity', 'p-44', '--image', join(FACES, 'biden', 'biden1.jpg')], dir);
    const list = JSON.parse((await vigil(['identities', 'list', '--json'], dir)).stdout) as { name: string; externalId: string; faces: number; negatives: number }[];
    assert.deepEqual(list.map((i) => [i.name, i.externalId, i.faces, i.negatives]), [['Obama', 'p-44', 2, 1]]);
    await vigil(['identities', 'remove', 'Obama'], dir);
    assert.deepEqual(JSON.parse((await vigil(['identities', 'list', '--json'], dir)).stdout), []);
    await assert.rejects(vigil(['identities', 'remove', 'Obama'], dir), /VIGIL_ERR_IDENTITY_NOT_FOUND/);
  });

  it('detect reports landmarks, quality and liveness next to box and score', async () => {
    const { stdout } = await vigil(['detect', '--json', join(FACES, 'obama', 'obama1.jpg')], tmpdir());
    const [face] = (JSON.parse(stdout) as { faces: { box: object; score: number; landmarks: number[][]; quality: Record<string, number>; liveness: number }[] }).faces;
    assert.ok(face && face.box && face.score > 0.7);
    assert.equal(face.landmarks.length, 5);
    for (const key of ['score', 'sharpness', 'brightness', 'faceSize', 'frontalness']) assert.equal(typeof face.quality[key], 'number', key);
    assert.ok(face.liveness >= 0 && face.liveness <= 1);
  });
});
