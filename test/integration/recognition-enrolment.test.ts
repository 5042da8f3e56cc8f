import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { parseConfig } from '../../src/config';
import { ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS, enrolmentProblem } from '../../src/gallery';
import { decodeImage } from '../../src/imaging';
import { DetectorPool, type DetectedFace } from '../../src/inference';
import { createLogger } from '../../src/observability';
import { FACES, VIGIL_BIN } from '../helpers/paths';

/**
 * Enrolment refuses a face that is too small or too blurry (issue 4), through the real CLI.
 * The refused photos are made from a fixture photo: downscaled so its face is 40 px high, or
 * blurred with a sigma of 4 px at the 112 px aligned-face scale. The fixture photos themselves
 * must all still enrol; their measured size and sharpness are printed against the limits.
 */

const run = promisify(execFile);

const people = readdirSync(FACES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'scenes')
  .map((dir) => ({ person: dir.name, photos: readdirSync(join(FACES, dir.name)).map((file) => join(FACES, dir.name, file)) }));

function vigil(args: string[], dataDir: string) {
  return run(process.execPath, [VIGIL_BIN, ...args], { env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_CONFIG: '' } });
}

async function identities(dataDir: string): Promise<{ name: string; faces: number }[]> {
  return JSON.parse((await vigil(['identities', 'list', '--json'], dataDir)).stdout) as { name: string; faces: number }[];
}

describe('enrolment limits: too small, too blurry (real models, real CLI)', () => {
  const defaults = parseConfig({}, 'defaults');
  let pool: DetectorPool;
  const work = mkdtempSync(join(tmpdir(), 'vigil-enrol-limits-'));

  /** The one face in an image, analysed as the CLI does (same config defaults, same models). */
  async function face(input: string | Buffer): Promise<DetectedFace> {
    const image = await decodeImage(input);
    const { faces } = await pool.detect(image.pixels, image.width, image.height, true);
    assert.equal(faces.length, 1, 'one face');
    return faces[0] as DetectedFace;
  }

  before(async () => {
    pool = new DetectorPool({ ...defaults.inference, ...defaults.detection, executionProviders: ['cpu'], workers: 1, analysis: true, logger: createLogger('silent') });
    await pool.start();
  });
  after(() => pool.close());

  it('every single-person fixture photo is within the limits and enrols', async () => {
    const lines: string[] = [];
    for (const { photos } of people) {
      for (const photo of photos) {
        const f = await face(photo);
        lines.push(`#   ${photo.slice(FACES.length + 1)}: face ${Math.round(f.box.height)} px, sharpness ${f.quality?.sharpness}`);
        assert.equal(enrolmentProblem(photo, [f]), null, `${photo} passes the enrolment rule`);
      }
    }
    process.stdout.write(`# fixture faces vs the limits (min ${ENROLL_MIN_FACE_SIZE} px, min sharpness ${ENROLL_MIN_SHARPNESS}):\n${lines.join('\n')}\n`);
    const dir = mkdtempSync(join(work, 'all-'));
    for (const { person, photos } of people) await vigil(['enroll', '--name', person, ...photos], dir);
    const list = await identities(dir);
    assert.deepEqual(
      list.map((i) => [i.name, i.faces]).sort(),
      people.map((p) => [p.person, p.photos.length]).sort(),
      'every person enrolled with every photo',
    );
  });

  it('refuses a face that is too small, names the reason and code, and stores nothing', async () => {
    const original = join(FACES, 'obama', 'obama1.jpg');
    const { box } = await face(original);
    const { width } = await sharp(original).metadata();
    const small = join(work, 'obama-small.png');
    await sharp(original).rotate().resize(Math.round((width as number) * (40 / box.height))).png().toFile(small);
    const measured = await face(small);
    process.stdout.write(`# downscaled: face ${Math.round(measured.box.height)} px (limit ${ENROLL_MIN_FACE_SIZE})\n`);
    const dir = mkdtempSync(join(work, 'small-'));
    await assert.rejects(vigil(['enroll', '--name', 'Obama', small], dir), (e: { code: number; stderr: string }) => {
      assert.notEqual(e.code, 0);
      assert.match(e.stderr, new RegExp(`obama-small\\.png: the face is \\d+(\\.\\d+)? px high; at least ${ENROLL_MIN_FACE_SIZE} px needed.*VIGIL_ERR_ENROLL_FACE_TOO_SMALL`, 's'));
      assert.match(e.stderr, /nothing was enrolled/);
      return true;
    });
    assert.deepEqual(await identities(dir), []);
  });

  it('refuses a face that is too blurry, names the reason and code, and stores nothing', async () => {
    const original = join(FACES, 'obama', 'obama1.jpg');
    const { box } = await face(original);
    const blurry = join(work, 'obama-blurry.png');
    // Sigma in the photo's pixels for 4 px at the aligned face's 112 px scale: blur that measurably breaks recognition.
    await sharp(original).rotate().blur((4 * box.height) / 112).png().toFile(blurry);
    const measured = await face(blurry);
    process.stdout.write(`# blurred: face ${Math.round(measured.box.height)} px, sharpness ${measured.quality?.sharpness} (limit ${ENROLL_MIN_SHARPNESS})\n`);
    assert.ok(measured.box.height >= ENROLL_MIN_FACE_SIZE, 'still big enough: refused for blur, not size');
    const dir = mkdtempSync(join(work, 'blurry-'));
    await assert.rejects(vigil(['enroll', '--name', 'Obama', blurry], dir), (e: { code: number; stderr: string }) => {
      assert.notEqual(e.code, 0);
      assert.match(e.stderr, new RegExp(`obama-blurry\\.png: the face is too blurry \\(sharpness [\\d.]+, at least ${ENROLL_MIN_SHARPNESS} needed\\).*VIGIL_ERR_ENROLL_FACE_BLURRY`, 's'));
      assert.match(e.stderr, /nothing was enrolled/);
      return true;
    });
    assert.deepEqual(await identities(dir), []);
  });
});
