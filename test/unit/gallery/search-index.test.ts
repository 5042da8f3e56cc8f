import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gallery, topK, type IndexedIdentity } from '../../../src/gallery';
import { searchConfig } from '../../helpers/gallery';
import { GalleryData, writeIdentities } from '../../helpers/gallery-data';

/**
 * The gallery's search worker against the exact answer (`topK` over every face in memory), on
 * generated faces: the ANN index must find the exact best identity (recall@1 >= 0.99), the exact
 * scan must match `topK` outright, and both must follow every change to the database.
 */

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-search-'));
  dirs.push(dir);
  return dir;
}

/** The generated identities as `topK` takes them (names and ids as writeIdentities gives them). */
function exactIndex(data: GalleryData, count: number): IndexedIdentity[] {
  return Array.from({ length: count }, (_, i) => ({
    identity: { id: `id-${i}`, name: `person-${i}`, externalId: null, metadata: null },
    faces: data.faces(i),
    negatives: [] as Float32Array[],
  }));
}

const MATCH = 0.35;

function bestDot(query: Float32Array, vectors: readonly Float32Array[]): number {
  let best = -Infinity;
  for (const v of vectors) best = Math.max(best, v.reduce((sum, x, i) => sum + x * (query[i] as number), 0));
  return best;
}

/**
 * How far a reported similarity may be from the exact one: both keep the index's own score,
 * measured |error| p99 4e-5 for f16 and 1.0e-3 for i8 (int8-vectors.ts).
 */
const SIMILARITY_TOLERANCE = { i8: 4e-3, f16: 2e-4 } as const;

describe('gallery search worker: ANN index against exact search', () => {
  for (const quantization of ['i8', 'f16'] as const) it(`${quantization}: finds the exact best identity for >= 99% of enrolled queries, and the same decision for strangers`, async (t) => {
    const identities = 2500;
    const data = new GalleryData({ identities, seed: 7 });
    const dir = tempDir();
    const gallery = Gallery.open(dir, { search: searchConfig({ mode: 'ann', quantization, persistIndex: false }) });
    try {
      const faces = writeIdentities(gallery.path, data, 0, identities);
      const exact = exactIndex(data, identities);
      let found = 0;
      let sameDecision = 0;
      let strangerTop1 = 0;
      let worst = 0;
      const queries = 200;
      for (let q = 0; q < queries; q++) {
        const enrolled = data.viewOf((q * 37) % identities, q);
        const [ann] = await gallery.search(enrolled, 1);
        const [want] = topK(exact, enrolled, 1);
        if (ann?.identity.id === want?.identity.id) found += 1;
        if (ann && ann.identity.id === want?.identity.id) {
          const error = Math.abs(ann.similarity - want.similarity);
          worst = Math.max(worst, error);
          assert.ok(error < SIMILARITY_TOLERANCE[quantization], `${ann.similarity} against ${want.similarity}`);
        }

        const stranger = data.stranger(q);
        const [annS] = await gallery.search(stranger, 1);
        const [wantS] = topK(exact, stranger, 1);
        if (annS?.identity.id === wantS?.identity.id) strangerTop1 += 1;
        const decision = (c: typeof annS) => (c && c.similarity >= MATCH ? c.identity.id : null);
        if (decision(annS) === decision(wantS)) sameDecision += 1;
        // A score off by up to the tolerance decides otherwise only that close to the threshold.
        else assert.ok(Math.abs((wantS?.similarity ?? -1) - MATCH) < SIMILARITY_TOLERANCE[quantization], `stranger ${q}: ${annS?.identity.id} at ${annS?.similarity}, exact ${wantS?.identity.id} at ${wantS?.similarity}`);
      }
      t.diagnostic(`${identities} identities, ${faces} faces: recall@1 enrolled ${found / queries}, strangers ${strangerTop1 / queries} (decision at ${MATCH} agrees for ${sameDecision / queries}), similarity off by ${worst.toExponential(1)} at most`);
      assert.equal((await gallery.searchStats()).mode, 'ann');
      assert.ok(found / queries >= 0.99, `recall@1 ${found / queries}`);
      // Every stranger's decision is checked above; only i8's coarser scores may disagree, and only at the threshold.
      if (quantization !== 'i8') assert.equal(sameDecision, queries, 'a stranger is never named by the ANN path when exact search does not name them');
    } finally {
      await gallery.close();
    }
  });

  for (const [mode, quantization] of [['exact', 'f16'], ['ann', 'i8'], ['ann', 'f16']] as const) {
    it(`${mode}${mode === 'ann' ? ` ${quantization}` : ''}: the same top 3 as exact search, with negatives leaving identities out`, async () => {
      const identities = 300;
      const data = new GalleryData({ identities, seed: 11 });
      const dir = tempDir();
      const gallery = Gallery.open(dir, { search: searchConfig({ mode, quantization, persistIndex: false }) });
      try {
        writeIdentities(gallery.path, data, 0, identities);
        const exact = exactIndex(data, identities);
        // An operator said views close to identity i's own faces are "not i" for a tenth of them:
        // each such identity is then left out of exactly the answers where its negative wins.
        for (let i = 0; i < identities; i += 10) {
          const negative = data.viewOf(i, 1000 + i);
          gallery.addNegative(`id-${i}`, negative, 'test');
          (exact[i]?.negatives as Float32Array[]).push(negative);
        }
        for (let q = 0; q < 60; q++) {
          const query = data.viewOf((q * 5) % identities, q);
          const got = await gallery.search(query, 3);
          const want = topK(exact, query, 3);
          if (quantization !== 'i8') {
            assert.deepEqual(got.map((c) => c.identity.name), want.map((c) => c.identity.name), `query ${q}`);
            continue;
          }
          // i8 scores are within SIMILARITY_TOLERANCE of the exact ones: identities closer than
          // that to each other may trade places, and a negative closer than that to the
          // identity's best face may or may not leave it out.
          const tolerance = SIMILARITY_TOLERANCE.i8;
          assert.equal(got.length, want.length, `query ${q}`);
          got.forEach((c, i) => {
            const entry = exact[Number(c.identity.id.slice('id-'.length))] as IndexedIdentity;
            const face = bestDot(query, entry.faces);
            assert.ok(bestDot(query, entry.negatives) < face + tolerance, `query ${q}: ${c.identity.name} is left out by its negative`);
            assert.ok(Math.abs(face - (want[i] as (typeof want)[number]).similarity) <= tolerance, `query ${q}, rank ${i + 1}: ${c.identity.name} at ${face} against ${want[i]?.identity.name} at ${want[i]?.similarity}`);
          });
        }
      } finally {
        await gallery.close();
      }
    });
  }
});

describe('gallery search worker: follows the database', () => {
  // auto: this small gallery is searched on the gateway's thread, while the worker keeps its index in step.
  for (const [mode, quantization] of [['exact', 'f16'], ['ann', 'i8'], ['ann', 'f16'], ['auto', 'f16']] as const) {
    it(`${mode}${mode === 'ann' ? ` ${quantization}` : ''}: enrol, add and remove faces, negatives and removal, by this connection and another (the CLI's)`, async () => {
      const data = new GalleryData({ identities: 40, seed: 3 });
      const dir = tempDir();
      const gateway = Gallery.open(dir, { search: searchConfig({ mode, quantization, persistIndex: false }) });
      const cli = Gallery.open(dir);
      const best = async (query: Float32Array) => (await gateway.search(query, 1))[0]?.identity.name ?? null;
      try {
        assert.deepEqual(await gateway.search(data.viewOf(0, 0), 1), [], 'an empty gallery answers nothing');
        writeIdentities(gateway.path, data, 2, 40);
        gateway.enroll('Ada', data.faces(0).map((embedding) => ({ embedding, source: 'a' })));
        assert.equal(await best(data.viewOf(0, 1)), 'Ada', 'enrolled through the gateway connection');
        cli.create('Bob', data.faces(1).map((embedding) => ({ embedding, source: 'b' })));
        assert.equal(await best(data.viewOf(1, 1)), 'Bob', 'created by the CLI: seen without waiting for a refresh');

        // Bob's faces removed one by one: once none is left he cannot be found.
        for (const face of cli.faceIds('Bob')) cli.removeFace('Bob', face.id);
        assert.notEqual(await best(data.viewOf(1, 2)), 'Bob');
        cli.addFace('Bob', data.viewOf(1, 3), 'again');
        assert.equal(await best(data.viewOf(1, 4)), 'Bob', 'a face added back');

        // "Not Ada" with a view of Ada: a query closer to it than to her faces is no longer Ada.
        const notAda = data.viewOf(0, 5);
        cli.addNegative('Ada', notAda, 'track:x');
        assert.notEqual(await best(notAda), 'Ada');

        assert.equal(cli.remove('Bob'), true);
        assert.notEqual(await best(data.viewOf(1, 6)), 'Bob', 'removed with its faces (cascade)');
        const stats = await gateway.searchStats();
        const facesInDb = cli.list().reduce((n, i) => n + i.faces, 0);
        assert.equal(stats.faces, facesInDb, 'the index holds exactly the faces in the database');
        assert.equal(stats.mode, mode === 'exact' ? 'exact' : 'ann');
        assert.equal(gateway.searchPath, mode === 'auto' ? 'inline' : 'worker');
        assert.equal(gateway.refreshIfChanged(), true);
        assert.equal(gateway.size, 39);
      } finally {
        await gateway.close();
        await cli.close();
      }
    });
  }

  it('auto: exact on this thread while small, the worker\'s ANN index past exactMaxFaces, this thread again below', async () => {
    const data = new GalleryData({ identities: 120, seed: 5 });
    const dir = tempDir();
    const gallery = Gallery.open(dir, { search: searchConfig({ mode: 'auto', exactMaxFaces: 100, persistIndex: false }) });
    try {
      writeIdentities(gallery.path, data, 0, 20);
      assert.equal(gallery.searchPath, 'inline');
      assert.equal((await gallery.search(data.viewOf(4, 0), 1))[0]?.identity.name, 'person-4');
      writeIdentities(gallery.path, data, 20, 120);
      assert.equal(gallery.searchPath, 'worker', 'another connection\'s bulk import is seen at once');
      assert.equal((await gallery.search(data.viewOf(100, 0), 1))[0]?.identity.name, 'person-100');
      assert.equal((await gallery.searchStats()).mode, 'ann');
      for (let i = 10; i < 120; i++) gallery.remove(`id-${i}`);
      assert.equal(gallery.searchPath, 'inline', 'our own removals are seen at once');
      assert.equal((await gallery.search(data.viewOf(3, 0), 1))[0]?.identity.name, 'person-3');
      assert.equal((await gallery.search(data.viewOf(100, 1), 1))[0]?.identity.name === 'person-100', false);
    } finally {
      await gallery.close();
    }
  });
});
