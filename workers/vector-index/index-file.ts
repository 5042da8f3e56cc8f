import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { encodingOf, type Quantization } from './ann-index';

/**
 * A persisted ANN index: a folder of its own (`gallery-index/` next to gallery.db,
 * `history-index/` next to history.db; mode 0700, files 0600: these are biometric templates).
 * `current.json` names the index file and what it reflects: the store it was built from
 * (`galleryId`: gallery.db's `gallery_meta.gallery_id`, or the history's store id and embedding
 * model), the last change it includes and its vector count (`faces`).
 * Writing a new index file under a fresh name and then renaming `current.json` over the old one
 * makes the switch atomic: a crash mid-save leaves the previous pair, never a mismatched one.
 * The file's size and sha256 are checked before usearch reads it: usearch crashes the process
 * (SIGSEGV, measured with usearch 2.25.3) on a file that is not one of its indexes.
 */
export interface IndexFileMeta {
  readonly format: 1;
  readonly galleryId: string;
  readonly seq: number;
  readonly faces: number;
  readonly dimensions: number;
  readonly quantization: Quantization;
  /** How the vectors are stored and compared (`encodingOf` in ann-index.ts); absent in files written before it was recorded. */
  readonly encoding?: string;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Index files are named `<prefix>-<seq>-<random>.usearch` (`faces` for the gallery). */
const FILE_NAME = /^[a-z]+-[\w-]+\.usearch$/;

/** The current index file and its meta, or null when there is none or it is not readable as such. */
export function readIndexMeta(dir: string): (IndexFileMeta & { path: string }) | null {
  const metaPath = join(dir, 'current.json');
  if (!existsSync(metaPath)) return null;
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as IndexFileMeta;
    if (meta.format !== 1 || typeof meta.file !== 'string' || !FILE_NAME.test(meta.file)) return null;
    const path = join(dir, meta.file);
    return existsSync(path) ? { ...meta, path } : null;
  } catch {
    return null;
  }
}

/** How the file's vectors are stored: files written before the encoding was recorded held f16/f32 as now, i8 as usearch cast it. */
export function fileEncoding(meta: IndexFileMeta): string {
  return meta.encoding ?? (meta.quantization === 'i8' ? 'i8-usearch-ip' : encodingOf(meta.quantization));
}

/** Why the file does not match its meta (size, then sha256), or null when it does. */
export function indexFileProblem(meta: IndexFileMeta & { path: string }): string | null {
  const bytes = statSync(meta.path).size;
  if (bytes !== meta.bytes) return `it has ${bytes} bytes, its meta says ${meta.bytes}`;
  return digest(meta.path) === meta.sha256 ? null : 'its sha256 differs from its meta';
}

function digest(path: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Writes a new index through `save(path)`, then switches `current.json` to it and deletes older files. */
export function writeIndex(dir: string, prefix: string, meta: Omit<IndexFileMeta, 'format' | 'file' | 'bytes' | 'sha256'>, save: (path: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = `${prefix}-${meta.seq}-${randomBytes(4).toString('hex')}.usearch`;
  const path = join(dir, file);
  save(path);
  chmodSync(path, 0o600);
  const tmp = join(dir, 'current.json.tmp');
  const full: IndexFileMeta = { format: 1, ...meta, file, bytes: statSync(path).size, sha256: digest(path) };
  writeFileSync(tmp, JSON.stringify(full), { mode: 0o600 });
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
