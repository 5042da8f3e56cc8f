import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, sha256File } from '../../../src/inference';
import { ROOT } from '../../helpers/paths';

const MODELS = join(ROOT, 'models');

interface Conversion {
  readonly name: string;
  readonly file: string;
  readonly sha256: string;
  readonly manifestSha256: string;
  readonly fileSha256: string | null;
  readonly changes: readonly string[];
}

// Plain JavaScript (it runs before any build); loaded from the repository, not from dist.
const { convertAll, batchedModel } = require(join(ROOT, 'scripts', 'batch-models.js')) as {
  convertAll: (dir: string, options: { write: boolean }) => Conversion[];
  batchedModel: (bytes: Buffer) => { bytes: Buffer; changes: string[] };
};

describe('batched model variants (scripts/batch-models.js)', () => {
  it('reproduces every batched file byte for byte from its source, with the sha256 in the manifest', async () => {
    const manifest = readManifest(MODELS);
    const results = convertAll(MODELS, { write: false });
    assert.deepEqual(results.map((r) => r.name).sort(), ['detector', 'embedding', 'landmarks', 'liveness']);
    for (const r of results) {
      assert.equal(r.sha256, r.manifestSha256, `${r.name}: conversion output vs manifest`);
      assert.equal(r.fileSha256, r.sha256, `${r.name}: ${r.file} on disk vs conversion output`);
      const source = manifest.models[r.name]?.source;
      assert.ok(source, `${r.name} names its source`);
      assert.equal(await sha256File(join(MODELS, source.file)), source.sha256, `${r.name}: source file`);
      assert.ok(r.changes.includes('input: dim 0 -> batch'), `${r.name}: ${r.changes.join('; ')}`);
    }
    // The embedding's flatten was pinned to batch 1: without this change a batch of N would come out as one 1 x 512N row.
    assert.ok(results.find((r) => r.name === 'embedding')?.changes.some((c) => c.startsWith('Reshape -> output: shape [1, ...] -> [0, ...]')));
  });

  it('is idempotent: a batched model converts to itself', () => {
    const embedding = readManifest(MODELS).models.embedding as { source: { file: string } };
    const once = batchedModel(readFileSync(join(MODELS, embedding.source.file))).bytes;
    const twice = batchedModel(once);
    assert.ok(twice.bytes.equals(once));
    assert.ok(!twice.changes.some((c) => c.startsWith('Reshape')), 'the flatten is not changed twice');
  });
});
