import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config';
import { VigilError, isVigilError } from '../errors';
import { Gallery, cosine, enrolmentProblem, isMatch, type FaceInput } from '../gallery';
import type { DetectedFace } from '../inference';
import type { Logger } from '../observability';
import { FaceEngine, largestFace } from './face-engine';

export { ENROLL_MIN_FACE_SIZE, ENROLL_MIN_SHARPNESS, enrolmentProblem } from '../gallery';

/**
 * Enrols photos under one name. All or nothing: when any photo is refused, nothing is stored and
 * every refusal is reported, so a typo in one path never leaves a half-enrolled identity.
 */
export async function enroll(config: Config, logger: Logger, name: string, images: readonly string[], options: { externalId?: string; metadata?: Record<string, unknown> }): Promise<{ identity: unknown; problems: VigilError[] }> {
  const engine = await FaceEngine.start(config, logger);
  const embeddings: FaceInput[] = [];
  const problems: VigilError[] = [];
  try {
    for (const path of images) {
      try {
        const image = await engine.analyse(path);
        const problem = enrolmentProblem(path, image.faces);
        if (problem) problems.push(problem);
        else embeddings.push({ ...(await engine.embedFace(image, image.faces[0] as DetectedFace)), source: path, sha256: fileSha256(path) });
      } catch (error) {
        if (isVigilError(error)) problems.push(error);
        else throw error;
      }
    }
  } finally {
    await engine.close();
  }
  if (problems.length > 0) return { identity: null, problems };
  const gallery = Gallery.open(config.env.dataDir);
  try {
    gallery.enroll(name, embeddings, options);
    return { identity: gallery.identity(name), problems };
  } finally {
    gallery.close();
  }
}

/** The photo's sha256, recorded with its face so that `enroll --dir` can skip photos already in. */
function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export interface Comparison {
  readonly image_a: string;
  readonly image_b: string;
  readonly similarity: number | null;
  readonly match: boolean;
  readonly error?: { code: string; message: string };
}

/** Compares the largest face of each image of each pair, with the models loaded once. */
export async function comparePairs(config: Config, logger: Logger, pairs: readonly [string, string][], onResult: (c: Comparison) => void): Promise<number> {
  const engine = await FaceEngine.start(config, logger);
  const cache = new Map<string, Float32Array>();
  const embedding = async (path: string): Promise<Float32Array> => {
    const cached = cache.get(path);
    if (cached) return cached;
    const image = await engine.analyse(path);
    const face = largestFace(image.faces);
    if (!face) throw new VigilError('VIGIL_ERR_ENROLL_NO_FACE', `${path}: no face found`, { image: path });
    const e = await engine.embed(image, face);
    if (cache.size > 256) cache.clear();
    cache.set(path, e);
    return e;
  };
  let failures = 0;
  try {
    for (const [a, b] of pairs) {
      try {
        const similarity = Math.round(cosine(await embedding(a), await embedding(b)) * 10_000) / 10_000;
        onResult({ image_a: a, image_b: b, similarity, match: isMatch(similarity, config.recognition.matchThreshold) });
      } catch (error) {
        if (!isVigilError(error)) throw error;
        failures += 1;
        onResult({ image_a: a, image_b: b, similarity: null, match: false, error: { code: error.code, message: error.message } });
      }
    }
  } finally {
    await engine.close();
  }
  return failures;
}

/** Rows `image_a,image_b` of a pairs file; a header row naming the columns is skipped; blank lines ignored. */
export function parsePairs(text: string): [string, string][] {
  const rows: [string, string][] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length !== 2 || !cells[0] || !cells[1]) throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `pairs file line ${i + 1}: expected "image_a,image_b", got "${line}"`);
    if (i === 0 && cells[0] === 'image_a' && cells[1] === 'image_b') continue;
    rows.push([cells[0], cells[1]]);
  }
  return rows;
}

export function readPairsFile(path: string): [string, string][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    throw new VigilError('VIGIL_ERR_FILE_UNREADABLE', `pairs file "${path}" cannot be read (${reason})`, { path });
  }
  return parsePairs(text);
}

/** "Not this person": the largest face of an image, or a recorded track, becomes a negative example for an identity. */
export async function markNotPerson(config: Config, logger: Logger, ref: string, source: { image?: string; track?: string }): Promise<unknown> {
  const gallery = Gallery.open(config.env.dataDir);
  try {
    if (!gallery.identity(ref)) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${ref}" in the gallery`, { identity: ref });
    let embedding: Float32Array | null = null;
    let extra: Pick<FaceInput, 'crop' | 'model'> = {};
    if (source.track) {
      embedding = gallery.trackEmbedding(source.track);
      if (!embedding) throw new VigilError('VIGIL_ERR_TRACK_NOT_FOUND', `no recorded track "${source.track}" (only recognised tracks are kept)`, { track: source.track });
      const crop = gallery.trackCrop(source.track);
      if (crop) extra = { crop };
    } else if (source.image) {
      const engine = await FaceEngine.start(config, logger);
      try {
        const image = await engine.analyse(source.image);
        const face = largestFace(image.faces);
        if (!face) throw new VigilError('VIGIL_ERR_ENROLL_NO_FACE', `${source.image}: no face found`, { image: source.image });
        const embedded = await engine.embedFace(image, face);
        embedding = embedded.embedding;
        extra = { crop: embedded.crop, model: embedded.model };
      } finally {
        await engine.close();
      }
    }
    if (!embedding) throw new VigilError('VIGIL_ERR_CONFIG_INVALID', 'give --image IMAGE or --track TRACK_ID');
    return gallery.addNegative(ref, embedding, source.track ? `track:${source.track}` : `image:${source.image as string}`, extra);
  } finally {
    gallery.close();
  }
}

export function listIdentities(config: Config): unknown[] {
  const gallery = Gallery.open(config.env.dataDir);
  try {
    return gallery.list();
  } finally {
    gallery.close();
  }
}

export function removeIdentity(config: Config, ref: string): boolean {
  const gallery = Gallery.open(config.env.dataDir);
  try {
    return gallery.remove(ref);
  } finally {
    gallery.close();
  }
}
