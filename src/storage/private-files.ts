import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './open-database';

/** A folder only the gateway's user may enter (created with its parents, all 0700). */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Writes a new file only the gateway's user may read (0600 from its creation, before any byte),
 * off the event loop: snapshots are written while cameras run.
 */
export function writePrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  return writeFile(path, data, { mode: PRIVATE_FILE_MODE });
}

/**
 * What Vigil writes under the data directory: the databases (with their WAL and shared-memory
 * files), face snapshots, and the journals. Only these are tightened: VIGIL_DATA_DIR may point
 * at a folder that holds other things, which are not ours to change.
 */
const OURS = /^(control|gallery)\.db(-wal|-shm|-journal)?$|^(snapshots|kafka-journal|mqtt-journal|webhooks)$/;

/**
 * Tightens what a looser umask or an older version left: the data directory and Vigil's own
 * entries in it to 0700 (folders) and 0600 (files), recursively, without following links.
 * Returns the paths changed (the caller logs them). Entries it cannot change (another owner) are
 * skipped; a missing data directory is created private.
 */
export function tightenDataDir(dataDir: string): string[] {
  ensurePrivateDir(dataDir);
  const changed: string[] = [];
  tighten(dataDir, changed);
  for (const name of readdirSync(dataDir)) if (OURS.test(name)) walk(join(dataDir, name), changed);
  return changed;
}

function walk(path: string, changed: string[]): void {
  const isDir = tighten(path, changed);
  if (!isDir) return;
  for (const name of readdirSync(path)) walk(join(path, name), changed);
}

/** Tightens one entry; returns whether it is a (real) folder to descend into. */
function tighten(path: string, changed: string[]): boolean {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return false;
  }
  if (stat.isSymbolicLink()) return false;
  const isDir = stat.isDirectory();
  const wanted = isDir ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
  if ((stat.mode & 0o777) !== wanted && (stat.mode & 0o077) !== 0) {
    try {
      chmodSync(path, wanted);
      changed.push(path);
    } catch {
      // Not ours (another owner): left as it is.
    }
  }
  return isDir;
}
