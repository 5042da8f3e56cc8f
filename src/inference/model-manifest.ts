import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError } from '../errors';

export interface ModelEntry {
  readonly file: string;
  readonly sha256: string;
  readonly description?: string;
  /** The file `file` was made from (the batched variant's original), kept so the conversion can be rerun and checked. */
  readonly source?: { readonly file: string; readonly sha256: string };
  /** Dimensions; a name (`batch`) is a symbolic one. */
  readonly input: { readonly name: string; readonly shape: readonly (number | string)[] };
}

export interface ModelManifest {
  readonly version: number;
  readonly models: Readonly<Record<string, ModelEntry>>;
}

export function readManifest(modelsDir: string): ModelManifest {
  const path = join(modelsDir, 'manifest.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
  } catch (error) {
    throw new VigilError('VIGIL_ERR_MODEL_MISSING', `cannot read model manifest ${path}: ${(error as Error).message}`, { path });
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a model file against its manifest entry; returns its absolute path or throws a clear error. */
export async function verifyModel(modelsDir: string, name: string, manifest = readManifest(modelsDir)): Promise<string> {
  const entry = manifest.models[name];
  if (!entry) throw new VigilError('VIGIL_ERR_MODEL_MISSING', `model "${name}" is not in ${join(modelsDir, 'manifest.json')}`, { model: name });
  const path = join(modelsDir, entry.file);
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (error) {
    throw new VigilError('VIGIL_ERR_MODEL_MISSING', `model file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { model: name, path });
  }
  if (actual !== entry.sha256) {
    throw new VigilError('VIGIL_ERR_MODEL_HASH_MISMATCH', `model file ${path} has sha256 ${actual}, manifest expects ${entry.sha256}; refusing to load it`, {
      model: name,
      path,
      expected: entry.sha256,
      actual,
    });
  }
  return path;
}
