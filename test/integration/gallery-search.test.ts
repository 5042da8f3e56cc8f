import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Gallery } from '../../src/gallery';
import { searchConfig } from '../helpers/gallery';
import { GalleryData, writeIdentities } from '../helpers/gallery-data';
import { VIGIL_BIN } from '../helpers/paths';

/**
 * The gallery search worker with the real CLI beside it, and its index file kept next to
 * gallery.db: private (0600 in a 0700 folder), loaded at restart and brought up to date with what
 * the CLI changed while the gateway was down, and rebuilt whenever it does not match the database.
 */

const run = promisify(execFile);
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function vigil(args: string[], dataDir: string) {
  return run(process.execPath, [VIGIL_BIN, ...args], { env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_CONFIG: '' } });
}

describe('gallery search with the CLI and the persisted index', () => {
  const data = new GalleryData({ identities: 400, seed: 21 });
  // Persist from the first face, so that a small gallery exercises the file (the default starts at 20,000 faces).
  const config = searchConfig({ mode: 'ann', persistMinFaces: 1 });
  const best = async (gallery: Gallery, i: number, q: number) => (await gallery.search(data.viewOf(i, q), 1))[0]?.identity.name ?? null;

  // Both rank by the index's own scores and the faces' owners, read again at a load.
  for (const quantization of ['i8', 'f16'] as const) it(`${quantization}: sees the CLI removing an identity while running; saves a private index file; loads and replays it at restart`, async () => {
    const config = searchConfig({ mode: 'ann', quantization, persistMinFaces: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-search-file-'));
    dirs.push(dir);
    const first = Gallery.open(dir, { search: config });
    try {
      writeIdentities(first.path, data, 0, 300);
      assert.equal(await best(first, 7, 0), 'person-7');
      await vigil(['identities', 'remove', 'person-7'], dir);
      assert.notEqual(await best(first, 7, 1), 'person-7', 'the CLI\'s removal is seen by the next search');
    } finally {
      await first.close();
    }
    const indexDir = join(dir, 'gallery-index');
    assert.equal(statSync(indexDir).mode & 0o777, 0o700);
    const files = readdirSync(indexDir).sort();
    assert.equal(files.length, 2, files.join(', '));
    for (const file of files) assert.equal(statSync(join(indexDir, file)).mode & 0o777, 0o600, file);
    const meta = JSON.parse(readFileSync(join(indexDir, 'current.json'), 'utf8')) as { faces: number };

    // While the gateway is down: the CLI removes one, a bulk import adds more.
    await vigil(['identities', 'remove', 'person-8'], dir);
    writeIdentities(join(dir, 'gallery.db'), data, 300, 400);
    const second = Gallery.open(dir, { search: config });
    try {
      assert.equal(await best(second, 350, 0), 'person-350', 'added while down: replayed from the change log');
      assert.notEqual(await best(second, 8, 0), 'person-8', 'removed while down: replayed too');
      assert.equal(await best(second, 9, 0), 'person-9');
      const stats = await second.searchStats();
      assert.equal(stats.origin, 'loaded');
      assert.ok(stats.appliedChanges > 0 && stats.faces > meta.faces, JSON.stringify(stats));
    } finally {
      await second.close();
    }
  });

  it('rebuilds instead of trusting an unreadable index file or one made from another gallery', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-search-file-'));
    dirs.push(dir);
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) } as never;
    const first = Gallery.open(dir, { search: config });
    writeIdentities(first.path, data, 0, 100);
    assert.equal(await best(first, 1, 0), 'person-1');
    await first.close();
    const indexDir = join(dir, 'gallery-index');
    const indexFile = readdirSync(indexDir).find((f) => f.endsWith('.usearch')) as string;

    writeFileSync(join(indexDir, indexFile), 'not an index');
    const second = Gallery.open(dir, { search: config, logger });
    try {
      assert.equal(await best(second, 2, 0), 'person-2');
      assert.equal((await second.searchStats()).origin, 'built');
      assert.ok(warnings.some((w) => /not usable/.test(w)), warnings.join('\n'));
    } finally {
      await second.close();
    }

    // Another gallery.db in the same folder (restored, recreated): its gallery_id differs.
    for (const f of readdirSync(dir)) if (f.startsWith('gallery.db')) rmSync(join(dir, f));
    const other = new GalleryData({ identities: 50, seed: 99 });
    const third = Gallery.open(dir, { search: config });
    try {
      writeIdentities(third.path, other, 0, 50);
      assert.equal((await third.search(other.viewOf(4, 0), 1))[0]?.identity.name, 'person-4');
      const stats = await third.searchStats();
      assert.notEqual(stats.origin, 'loaded');
      assert.equal(stats.faces, Array.from({ length: 50 }, (_, i) => other.faceCount(i)).reduce((a, b) => a + b, 0));
    } finally {
      await third.close();
    }
  });

  it('rebuilds an i8 index file written before its encoding was recorded (usearch\'s own cast); keeps such an f16 one', async () => {
    for (const quantization of ['i8', 'f16'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-search-file-'));
      dirs.push(dir);
      const config = searchConfig({ mode: 'ann', quantization, persistMinFaces: 1 });
      const first = Gallery.open(dir, { search: config });
      writeIdentities(first.path, data, 0, 100);
      assert.equal(await best(first, 1, 0), 'person-1');
      await first.close();
      // As an older version wrote it: no `encoding` in the meta (the sha256 covers the index file only).
      const metaPath = join(dir, 'gallery-index', 'current.json');
      const { encoding, ...older } = JSON.parse(readFileSync(metaPath, 'utf8')) as { encoding: string };
      assert.equal(encoding, quantization === 'i8' ? 'i8-max-abs-cos' : 'f16-ip');
      writeFileSync(metaPath, JSON.stringify(older));

      const warnings: string[] = [];
      const logger = { info: () => undefined, warn: (message: string) => warnings.push(message) } as never;
      const second = Gallery.open(dir, { search: config, logger });
      try {
        assert.equal(await best(second, 2, 0), 'person-2');
        const origin = (await second.searchStats()).origin;
        if (quantization === 'i8') {
          assert.equal(origin, 'built');
          assert.ok(warnings.some((w) => /i8-usearch-ip vectors, i8-max-abs-cos are configured: rebuilding/.test(w)), warnings.join('\n'));
        } else {
          assert.equal(origin, 'loaded', warnings.join('\n'));
        }
      } finally {
        await second.close();
      }
    }
  });
});
