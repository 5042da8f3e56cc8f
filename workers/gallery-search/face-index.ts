import { join } from 'node:path';
import { scoreIdentity, type Candidate } from '../../src/gallery/search';
import { SyncedIndex, type SyncedIndexHooks } from '../vector-index/synced-index';
import { GalleryReader } from './gallery-reader';
import { keepsExact, nextCandidateCount } from './policy';
import type { GallerySearchSettings, SearchStats } from './protocol';

/** Below this many faces a rebuild from the database takes a few seconds: no index file is kept. */
export const PERSIST_MIN_FACES = 20_000;

interface Scored {
  readonly identityId: string;
  readonly similarity: number;
  readonly negativeSimilarity: number;
}

export type FaceIndexHooks = SyncedIndexHooks;

/** The persisted index lives next to gallery.db. */
export function indexDir(dbPath: string): string {
  return join(dbPath, '..', 'gallery-index');
}

/**
 * The search worker's gallery: candidate faces from the ANN index (or an exact scan when the mode
 * is `exact`), then an exact re-rank of the candidates' identities over all their faces and
 * negatives read from the database, so the answer has `topK`'s semantics. The index follows the
 * database through its change log (`gallery_changes`) before every search (SyncedIndex): every
 * connection's writes, without reloading the whole gallery.
 */
export class FaceIndex {
  readonly #settings: GallerySearchSettings;
  readonly #reader: GalleryReader;
  readonly #index: SyncedIndex;

  constructor(settings: GallerySearchSettings, hooks: FaceIndexHooks = {}) {
    this.#settings = settings;
    this.#reader = new GalleryReader(settings.dbPath);
    this.#index = new SyncedIndex(this.#reader, {
      exact: keepsExact(settings.mode),
      quantization: settings.quantization,
      expansionSearch: settings.expansionSearch,
      buildThreads: settings.buildThreads,
      persist: settings.persistIndex && settings.mode !== 'exact' ? { dir: indexDir(settings.dbPath), prefix: 'faces', minRows: settings.persistMinFaces ?? PERSIST_MIN_FACES } : null,
    }, hooks);
  }

  get faces(): number {
    return this.#index.size;
  }

  stats(): SearchStats {
    const { size, ...rest } = this.#index.stats();
    return { ...rest, faces: size };
  }

  /** Loads the index file if it matches the database, else builds from the faces table; yields between batches. */
  start(stopped: () => boolean): Promise<void> {
    return this.#index.start(stopped);
  }

  /** Applies the face changes other connections (and ours) committed since the last call. */
  sync(): void {
    this.#index.sync();
  }

  search(query: Float32Array, k: number): Candidate[] {
    const index = this.#index;
    index.sync();
    if (index.size === 0 || k <= 0) return [];
    if (query.length !== index.dimensions) {
      index.warnOnce('dims', `a ${query.length}-d query against a gallery of ${index.dimensions}-d faces: no match possible`);
      return [];
    }
    return this.#reader.snapshot(() => {
      const exhaustive = index.exhaustive;
      let n = nextCandidateCount(0, k, this.#settings.candidates, index.size, exhaustive);
      for (;;) {
        const ids = index.nearest(query, n);
        const ranked = this.#rerank(query, ids);
        const next = nextCandidateCount(n, k, this.#settings.candidates, index.size, exhaustive);
        if (ranked.length >= k || next === n) return this.#named(ranked.slice(0, k));
        n = next;
      }
    });
  }

  /** Writes the index file when persisting is on, the ANN index is worth keeping and it changed. */
  saveIfUseful(): void {
    this.#index.saveIfUseful();
  }

  close(): void {
    this.#reader.close();
  }

  #rerank(query: Float32Array, faceIds: readonly number[]): Scored[] {
    if (faceIds.length === 0) return [];
    const byIdentity = new Map<string, { faces: Float32Array[]; negatives: Float32Array[] }>();
    for (const row of this.#reader.candidateRows(faceIds)) {
      let entry = byIdentity.get(row.identityId);
      if (!entry) byIdentity.set(row.identityId, (entry = { faces: [], negatives: [] }));
      (row.negative ? entry.negatives : entry.faces).push(row.embedding);
    }
    const scored: Scored[] = [];
    for (const [identityId, entry] of byIdentity) {
      const score = scoreIdentity(query, entry.faces, entry.negatives);
      if (score) scored.push({ identityId, ...score });
    }
    return scored.sort((a, b) => b.similarity - a.similarity);
  }

  #named(scored: readonly Scored[]): Candidate[] {
    const out: Candidate[] = [];
    for (const s of scored) {
      const identity = this.#reader.identity(s.identityId);
      if (identity) out.push({ identity, similarity: s.similarity, negativeSimilarity: s.negativeSimilarity });
    }
    return out;
  }
}
