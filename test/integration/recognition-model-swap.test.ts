import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import pino from 'pino';
import { DetectorPool } from '../../src/inference';
import { decodeImage } from '../../src/imaging';
import { FACES, ROOT } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('model hot swap (real detector, watched folder)', () => {
  it('refuses a file that does not match the manifest, keeps serving, and swaps in a verified new model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
    copyFileSync(join(ROOT, 'models', 'manifest.json'), join(dir, 'manifest.json'));
    // The file the manifest names for the detector (its batched variant).
    const file = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: { detector: { file: string } } }).models.detector.file;
    copyFileSync(join(ROOT, 'models', file), join(dir, file));
    const results: string[] = [];
    const errors: string[] = [];
    const pool = new DetectorPool({
      workers: 1, executionProviders: ['cpu'], intraOpThreads: 1, scoreThreshold: 0.7, iouThreshold: 0.3, maxFaces: 10,
      modelsDir: dir, watchModels: true, watchDebounceMs: 200, logger: pino({ level: 'silent' }),
      onModelReload: (result, error) => {
        results.push(result);
        if (error) errors.push(`${error.code}: ${error.message}`);
      },
    });
    await pool.start();
    try {
      const image = await decodeImage(join(FACES, 'obama', 'obama1.jpg'));
      const detect = async () => (await pool.detect(image.pixels.slice(0), image.width, image.height)).faces.length;
      assert.equal(await detect(), 1);
      const original = pool.loadedModels.detector;

      // Damage the file in place: the hash no longer matches the manifest.
      appendFileSync(join(dir, file), Buffer.from([0xc2, 0x3e, 0x01, 0x00]));
      await waitFor(() => results.includes('refused'), { timeoutMs: 10_000, what: 'the bad model refused' });
      assert.match(errors[0] ?? '', /VIGIL_ERR_MODEL_HASH_MISMATCH: model file .*fr_detect\.batched\.onnx has sha256 \w+, manifest expects/);
      assert.equal(pool.loadedModels.detector, original, 'old model still loaded');
      assert.equal(await detect(), 1, 'old model keeps serving');

      // The operator's swap: the new file (an unknown protobuf field appended: same network, new hash) plus its manifest entry.
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: Record<string, { sha256: string }> };
      const newHash = sha256(join(dir, file));
      (manifest.models.detector as { sha256: string }).sha256 = newHash;
      writeFileSync(join(dir, 'manifest.json.tmp'), JSON.stringify(manifest));
      copyFileSync(join(dir, 'manifest.json.tmp'), join(dir, 'manifest.json'));
      await waitFor(() => pool.loadedModels.detector === newHash, { timeoutMs: 15_000, what: 'the new model swapped in' });
      assert.ok(results.includes('swapped'));
      assert.equal(await detect(), 1, 'the new model serves');
    } finally {
      await pool.close();
    }
  });
});
