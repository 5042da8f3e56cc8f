import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder holding Vigil's package.json, found from this file whether it runs from src/ or dist/src/. */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find Vigil's package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const MODELS_DIR = join(PROJECT_ROOT, 'models');
/** Compiled worker scripts (workers/ is built to dist/workers/). */
export const WORKERS_DIR = join(PROJECT_ROOT, 'dist', 'workers');
