import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Quantization } from './protocol';

/**
 * The persisted ANN index: `gallery-index/` next to gallery.db (mode 0700, files 0600: these are
 * biometric templates). `current.json` names the index file and what it reflects: the gallery it
 * was built from (`gallery_meta.gallery_id`), the last face change it includes and its face count.
 * Writing a new index file under a fresh name and then renaming `current.json` over the old one
 * makes the switch atomic: a crash mid-save leaves the previous pair, never a mismatched one.
 */
export interface IndexFileMeta {
  readonly format: 1;
  readonly galleryId: string;
  readonly seq: number;
  readonly faces: number;
  readonly dimensions: number;
  readonly quantization: Quantization;
  readonly file: string;
}

export function indexDir(dbPath: string): string {
  return join(dbPath, '..', 'gallery-index');
}

/** The current index file and its meta, or null when there is none or it is not readable as such. */
export function readIndexMeta(dir: string): (IndexFileMeta & { path: string }) | null {
  const metaPath = join(dir, 'current.json');
  if (!existsSync(metaPath)) return null;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexFileMeta;
    if (meta.format !== 1 || typeof meta.file !== 'string' || !/^faces-[\w-]+\.usearch$/.test(meta.file)) return null;
    const path = join(dir, meta.file);
    return existsSync(path) ? { ...meta, path } : null;
  } catch {
    return null;
  }
}

/** Writes a new index through `save(path)`, then switches `current.json` to it and deletes older files. */
export function writeIndex(dir: string, meta: Omit<IndexFileMeta, 'format' | 'file'>, save: (path: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = `faces-${meta.seq}-${randomBytes(4).toString('hex')}.usearch`;
  const path = join(dir, file);
  save(path);
  chmodSync(path, 0o600);
  const tmp = join(dir, 'current.json.tmp');
  writeFileSync(tmp, JSON.stringify({ format: 1, ...meta, file } satisfies IndexFileMeta), { mode: 0o600 });
  renameSync(tmp, join(dir, 'current.json'));
  removeIndexFiles(dir, file);
}

/** Deletes index files other than `keep` (all of them, current.json too, when `keep` is null). */
export function removeIndexFiles(dir: string, keep: string | null): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === keep || (keep !== null && name === 'current.json')) continue;
    if (name.endsWith('.usearch') || name.startsWith('current.json')) rmSync(join(dir, name), { force: true });
  }
}
