import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FACES, VIGIL_BIN } from '../helpers/paths';

const run = promisify(execFile);

interface Detection {
  image: string;
  frame: { width: number; height: number };
  faces: { box: { x: number; y: number; width: number; height: number }; score: number }[];
}

async function detect(images: string[]): Promise<Detection[]> {
  const { stdout } = await run(process.execPath, [VIGIL_BIN, 'detect', '--json', ...images]);
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Detection);
}

const singlePersonPhotos = readdirSync(FACES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'scenes')
  .flatMap((dir) => readdirSync(join(FACES, dir.name)).map((file) => join(FACES, dir.name, file)));

describe('vigil detect (real detector on the fixture photos)', () => {
  it('finds exactly one face in each single-person photo, inside the image', async () => {
    assert.ok(singlePersonPhotos.length >= 14, 'fixture photos present');
    const results = await detect(singlePersonPhotos);
    assert.equal(results.length, singlePersonPhotos.length);
    for (const result of results) {
      assert.equal(result.faces.length, 1, `${result.image}: ${JSON.stringify(result.faces)}`);
      const [face] = result.faces;
      assert.ok(face && face.box.x >= 0 && face.box.y >= 0 && face.box.x + face.box.width <= result.frame.width && face.box.y + face.box.height <= result.frame.height);
    }
  });

  it('finds two faces in two_people.jpg, side by side', async () => {
    const [result] = await detect([join(FACES, 'scenes', 'two_people.jpg')]);
    assert.equal(result?.faces.length, 2);
    const [a, b] = [...(result?.faces ?? [])].sort((p, q) => p.box.x - q.box.x);
    assert.ok(a && b && a.box.x + a.box.width < b.box.x, 'the two faces do not overlap');
  });

  it('prints a clear error and exits non-zero for a file that is not an image', async () => {
    await assert.rejects(run(process.execPath, [VIGIL_BIN, 'detect', join(FACES, 'LICENSE-face_recognition.txt')]), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr ?? '', /cannot decode image .*VIGIL_ERR_IMAGE_UNREADABLE/);
      return true;
    });
  });
});
