import { join } from 'node:path';
import { judgeIdentity, type Candidate } from '../../src/gallery/search';
import type { Neighbour } from '../vector-index/ann-index';
import { SyncedIndex, type SyncedIndexHooks } from '../vector-index/synced-index';
import { FaceOwners } from './face-owners';
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
 * is `exact`), ranked by identity with `topK`'s semantics (an identity's best face, unless the
 * query is at least as close to one of its negatives). The candidates' similarities are the
 * index's own (see ENCODINGS in ann-index.ts) and their identities come from memory
 * (FaceOwners): a search reads no face row, only the candidates' negatives and the answer's
 * identity from the database. The index follows the database through its change log
 * (`gallery_changes`) before every search (SyncedIndex): every connection's writes, without
 * reloading the whole gallery.
 */
export class FaceIndex {
  readonly #settings: GallerySearchSettings;
  readonly #reader: GalleryReader;
  readonly #index: SyncedIndex;
  readonly #owners = new FaceOwners();

  constructor(settings: GallerySearchSettings, hooks: FaceIndexHooks = {}) {
    this.#settings = settings;
    this.#reader = new GalleryReader(settings.dbPath, this.#owners);
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
  async start(stopped: () => boolean): Promise<void> {
    await this.#index.start(stopped);
    // A build read every face row (and its owner); a loaded file did not.
    if (this.#index.stats().origin === 'loaded') this.#reader.snapshot(() => this.#reader.readOwners());
    if (!stopped()) this.#reader.warm();
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
        const ranked = this.#rank(query, index.scored(query, n));
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

  /** Identities of scored candidate faces: each by its best face, less those a negative excludes. */
  #rank(query: Float32Array, neighbours: readonly Neighbour[]): Scored[] {
    const owners = this.#owners;
    const best = new Map<string, number>();
    for (const { id, similarity } of neighbours) {
      // Unknown: removed since the index last synced; it goes at the next sync.
      const identityId = owners.identityOf(id);
      if (identityId !== null && similarity > (best.get(identityId) ?? -Infinity)) best.set(identityId, similarity);
    }
    const negatives = this.#reader.negativesOf([...best.keys()]);
    const scored: Scored[] = [];
    for (const [identityId, similarity] of best) {
      const score = judgeIdentity(query, similarity, negatives.get(identityId) ?? []);
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
