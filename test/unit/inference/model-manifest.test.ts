import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, sha256File, verifyModel } from '../../../src/inference';
import { VigilError } from '../../../src/errors';
import { ROOT } from '../../helpers/paths';

const MODELS = join(ROOT, 'models');

describe('model manifest', () => {
  it('lists every shipped model with a sha256 that matches its file', async () => {
    const manifest = readManifest(MODELS);
    assert.deepEqual(Object.keys(manifest.models).sort(), ['detector', 'embedding', 'landmarks', 'liveness']);
    for (const [name, entry] of Object.entries(manifest.models)) {
      assert.equal(await sha256File(join(MODELS, entry.file)), entry.sha256, name);
      assert.ok(entry.input.shape.length === 4, `${name} input spec`);
    }
  });

  it('refuses a model whose file does not match its hash, saying both hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
    copyFileSync(join(MODELS, 'manifest.json'), join(dir, 'manifest.json'));
    const detector = readManifest(MODELS).models.detector as { file: string; sha256: string };
    writeFileSync(join(dir, detector.file), 'not the detector');
    await assert.rejects(verifyModel(dir, 'detector'), (error: unknown) => {
      assert.ok(error instanceof VigilError);
      assert.equal(error.code, 'VIGIL_ERR_MODEL_HASH_MISMATCH');
      assert.ok(error.message.includes(detector.sha256), 'names the expected hash');
      return true;
    });
  });

  it('says when a model file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
    copyFileSync(join(MODELS, 'manifest.json'), join(dir, 'manifest.json'));
    await assert.rejects(verifyModel(dir, 'detector'), (e: unknown) => e instanceof VigilError && e.code === 'VIGIL_ERR_MODEL_MISSING');
  });
});
