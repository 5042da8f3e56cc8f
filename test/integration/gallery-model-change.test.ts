import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACES, ROOT } from '../helpers/paths';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { waitFor } from '../helpers/wait';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const photo = (person: string, file: string): string => readFileSync(join(FACES, person, file)).toString('base64');
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A models folder of its own: the project's files and manifest, copied. */
function modelsCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-models-'));
  dirs.push(dir);
  for (const name of readdirSync(join(ROOT, 'models'))) if (name.endsWith('.onnx') || name === 'manifest.json') copyFileSync(join(ROOT, 'models', name), join(dir, name));
  return dir;
}

/**
 * The operator's swap of the embedding model: a new file (the same network with an unknown
 * protobuf field appended: a new sha256, the same outputs) and its manifest entry, written by a
 * rename. Returns the new sha256.
 */
function swapEmbeddingModel(dir: string, tag: number): string {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: Record<string, { file: string; sha256: string }> };
  const entry = manifest.models.embedding as { file: string; sha256: string };
  appendFileSync(join(dir, entry.file), Buffer.from([0xc2, 0x3e, 0x01, tag]));
  entry.sha256 = sha256(join(dir, entry.file));
  writeFileSync(`${manifestPath}.tmp`, JSON.stringify(manifest));
  copyFileSync(`${manifestPath}.tmp`, manifestPath);
  return entry.sha256;
}

interface FaceRow {
  id: number;
  model: string | null;
  crop: string | null;
}

/**
 * A new embedding model must never silently invalidate the gallery: at start and on a hot swap,
 * every enrolled face is re-embedded from its stored aligned crop before the new model serves,
 * or, when a face has no crop, the change is refused with VIGIL_ERR_EMBEDDING_MODEL_CHANGED naming
 * it. Real models, real App, real gallery.db.
 */
describe('gallery: a change of embedding model (real models and App)', () => {
  const faces = async (t: TestApp, who: string): Promise<FaceRow[]> => (await t.request({ method: 'GET', url: `/v1/identities/${encodeURIComponent(who)}/faces`, as: 'viewer' })).json();

  it('at start: re-embeds every face from its crop (the same embedding for the same network), then recognises as before', async () => {
    const models = modelsCopy();
    const original = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')).models.embedding.sha256 as string;
    let t = await startTestApp({ cameras: [], inference: { watchModels: false } }, { modelsDir: models });
    const dir = t.dir;
    let before: Float32Array[];
    try {
      const created = await t.request({ method: 'POST', url: '/v1/identities', payload: { name: 'Obama', images: [photo('obama', 'obama1.jpg'), photo('obama', 'obama2.jpg')] }, as: 'operator' });
      assert.equal(created.statusCode, 201, created.body);
      const enrolled = await faces(t, 'Obama');
      assert.equal(enrolled.length, 2);
      for (const face of enrolled) {
        assert.equal(face.model, original, 'the model that made the embedding is recorded');
        assert.match(face.crop ?? '', /^\/v1\/identities\/[0-9a-f-]+\/faces\/\d+\/crop$/);
        const crop = await t.request({ method: 'GET', url: face.crop as string, as: 'viewer' });
        assert.equal(crop.statusCode, 200);
        assert.equal(crop.headers['content-type'], 'image/png');
      }
      before = enrolled.map((f) => t.app.gallery?.media.embeddingOf('face', f.id) as Float32Array);
    } finally {
      await t.stop();
    }

    const swapped = swapEmbeddingModel(models, 1);
    t = await startTestApp({ cameras: [], inference: { watchModels: false } }, { dir, modelsDir: models });
    try {
      assert.ok(t.logs.some((l) => l.includes('gallery embeddings made by the model in use') && l.includes('"reembedded":2')), 'said so in the log');
      const after = await faces(t, 'Obama');
      assert.deepEqual(after.map((f) => f.model), [swapped, swapped]);
      after.forEach((f, i) => {
        const now = t.app.gallery?.media.embeddingOf('face', f.id) as Float32Array;
        const was = before[i] as Float32Array;
        // The crop is exactly what the model was fed at enrolment: the same network gives the same embedding.
        assert.ok(now.every((v, k) => Math.abs(v - (was[k] as number)) < 1e-5), `face ${f.id} re-embedded from its crop`);
      });
      const probe = await t.app.gallery?.search(before[1] as Float32Array, 1);
      assert.equal(probe?.[0]?.identity.name, 'Obama');
    } finally {
      await t.stop();
    }
  });

  it('at start: refuses, naming the faces without a crop, and changes nothing', async () => {
    const models = modelsCopy();
    let t = await startTestApp({ cameras: [], inference: { watchModels: false } }, { modelsDir: models });
    const dir = t.dir;
    let legacyId: number;
    try {
      const created = await t.request({ method: 'POST', url: '/v1/identities', payload: { name: 'Biden', images: [photo('biden', 'biden1.jpg')] }, as: 'operator' });
      assert.equal(created.statusCode, 201);
      // A face enrolled before crops and models were kept: an embedding alone (its model is taken to be the one the gallery last ran with).
      const vector = t.app.gallery?.media.embeddingOf('face', (await faces(t, 'Biden'))[0]?.id as number) as Float32Array;
      legacyId = t.app.gallery?.addFace('Biden', vector, 'old-enrolment.jpg') as number;
    } finally {
      await t.stop();
    }
    const previous = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')).models.embedding.sha256 as string;
    swapEmbeddingModel(models, 2);
    await assert.rejects(startTestApp({ cameras: [], inference: { watchModels: false } }, { dir, modelsDir: models }), (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'VIGIL_ERR_EMBEDDING_MODEL_CHANGED');
      assert.match(error.message, new RegExp(`face ${legacyId} of "Biden" \\(old-enrolment\\.jpg`));
      assert.match(error.message, /Re-enrol those identities/);
      return true;
    });
    // The old model back (the project's files): it starts, every face as it was.
    const back = await startTestApp({ cameras: [] }, { dir });
    try {
      const rows = await faces(back, 'Biden');
      assert.deepEqual(rows.map((f) => f.model), [previous, previous], 'nothing was re-embedded; the old face is the old model\'s');
    } finally {
      await back.stop();
    }
  });

  it('hot swap: re-embeds before the new model serves; with a face that has no crop, refuses and the old model keeps serving', async () => {
    const models = modelsCopy();
    const t = await startTestApp({ cameras: [], inference: { watchModels: true } }, { modelsDir: models });
    try {
      assert.equal((await t.request({ method: 'POST', url: '/v1/identities', payload: { name: 'Kit', images: [photo('kit_harington', 'kit1.jpg')] }, as: 'operator' })).statusCode, 201);
      const first = swapEmbeddingModel(models, 3);
      await waitFor(() => t.app.pool.loadedModels.embedding === first, { timeoutMs: 30_000, what: 'the new embedding model swapped in' });
      assert.deepEqual((await faces(t, 'Kit')).map((f) => f.model), [first], 're-embedded as it swapped in');

      const kit = await faces(t, 'Kit');
      t.app.gallery?.addFace('Kit', t.app.gallery.media.embeddingOf('face', kit[0]?.id as number) as Float32Array, 'no-crop');
      const second = swapEmbeddingModel(models, 4);
      await waitFor(() => t.logs.some((l) => l.includes('model change refused') && l.includes('VIGIL_ERR_EMBEDDING_MODEL_CHANGED')), { timeoutMs: 30_000, what: 'the swap refused' });
      assert.equal(t.app.pool.loadedModels.embedding, first, 'the loaded model keeps serving');
      assert.notEqual(first, second);
      assert.deepEqual((await faces(t, 'Kit')).map((f) => f.model), [first, null], 'the gallery is unchanged (the face without a crop has no model on record)');
    } finally {
      await t.stop();
    }
  });
});
