import { performance } from 'node:perf_hooks';
import { scoreIdentity, type Candidate } from '../../src/gallery/search';
import { AnnFaces } from './ann-faces';
import { ExactFaces } from './exact-faces';
import { GalleryReader, type FaceRow } from './gallery-reader';
import { indexDir, indexFileProblem, readIndexMeta, removeIndexFiles, writeIndex } from './index-file';
import { keepsExact, nextCandidateCount, needsRebuild } from './policy';
import type { GallerySearchSettings, SearchStats } from './protocol';

/** Faces read and indexed per step while building; between steps the worker can take a close. */
const BUILD_BATCH = 2048;
/** Below this many faces a rebuild from the database takes a few seconds: no index file is kept. */
export const PERSIST_MIN_FACES = 20_000;

interface Scored {
  readonly identityId: string;
  readonly similarity: number;
  readonly negativeSimilarity: number;
}

export interface FaceIndexHooks {
  readonly onProgress?: (done: number, total: number) => void;
  readonly onWarning?: (message: string) => void;
}

/**
 * The search worker's gallery: candidate faces from the ANN index (or an exact scan when the mode
 * is `exact`), then an exact re-rank of the candidates' identities over all their faces and
 * negatives read from the database, so the answer has `topK`'s semantics. Follows the database
 * through its change log (`gallery_changes`) before every search: every connection's writes,
 * without reloading the whole gallery.
 */
export class FaceIndex {
  readonly #settings: GallerySearchSettings;
  readonly #hooks: FaceIndexHooks;
  readonly #reader: GalleryReader;
  #ann: AnnFaces | null = null;
  #exact: ExactFaces | null = null;
  #dims = 0;
  #applied = 0;
  #dataVersion = -1;
  #appliedChanges = 0;
  #unsaved = 0;
  #origin: SearchStats['origin'] = 'empty';
  #buildMs = 0;
  /** Set once start() finished: a half-built index (closed during its build) is never saved. */
  #complete = false;
  readonly #warned = new Set<string>();

  constructor(settings: GallerySearchSettings, hooks: FaceIndexHooks = {}) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.#reader = new GalleryReader(settings.dbPath);
  }

  get faces(): number {
    return this.#exact?.size ?? this.#ann?.size ?? 0;
  }

  stats(): SearchStats {
    return { mode: this.#exact ? 'exact' : 'ann', faces: this.faces, appliedChanges: this.#appliedChanges, origin: this.#origin, buildMs: Math.round(this.#buildMs) };
  }

  /** Loads the index file if it matches the database, else builds from the faces table; yields between batches. */
  async start(stopped: () => boolean): Promise<void> {
    const t0 = performance.now();
    if (!this.#load()) {
      for (const _ of this.#build()) {
        if (stopped()) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.#complete = true;
      this.saveIfUseful();
    }
    this.#complete = true;
    this.#buildMs = performance.now() - t0;
  }

  /** Applies the face changes other connections (and ours) committed since the last call. */
  sync(): void {
    const version = this.#reader.dataVersion();
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    const complete = this.#reader.snapshot(() => {
      const window = this.#reader.changeWindow();
      if (needsRebuild(window, this.#applied)) return false;
      const changes = this.#reader.changesSince(this.#applied);
      const final = new Map<number, boolean>();
      for (const change of changes) final.set(change.faceId, change.added === 1);
      const added: number[] = [];
      for (const [id, isAdded] of final) {
        this.#remove(id);
        if (isAdded) added.push(id);
      }
      for (let i = 0; i < added.length; i += BUILD_BATCH) this.#addRows(this.#reader.facesById(added.slice(i, i + BUILD_BATCH)));
      this.#applied = Math.max(this.#applied, window.counter);
      this.#appliedChanges += changes.length;
      this.#unsaved += changes.length;
      return true;
    });
    if (!complete) {
      this.#warnOnce('rebuild', 'the gallery changed more than its change log holds since the index last looked: rebuilding the index');
      for (const _ of this.#build());
    }
  }

  search(query: Float32Array, k: number): Candidate[] {
    this.sync();
    const source = this.#exact ?? this.#ann;
    if (!source || source.size === 0 || k <= 0) return [];
    if (query.length !== this.#dims) {
      this.#warnOnce('dims', `a ${query.length}-d query against a gallery of ${this.#dims}-d faces: no match possible`);
      return [];
    }
    return this.#reader.snapshot(() => {
      const exhaustive = source === this.#exact;
      let n = nextCandidateCount(0, k, this.#settings.candidates, source.size, exhaustive);
      for (;;) {
        const ids = source.nearest(query, n);
        const ranked = this.#rerank(query, ids);
        const next = nextCandidateCount(n, k, this.#settings.candidates, source.size, exhaustive);
        if (ranked.length >= k || next === n) return this.#named(ranked.slice(0, k));
        n = next;
      }
    });
  }

  /** Writes the index file when persisting is on, the ANN index is worth keeping and it changed. */
  saveIfUseful(): void {
    const dir = indexDir(this.#settings.dbPath);
    if (!this.#settings.persistIndex || !this.#ann || !this.#complete) return;
    if (this.#ann.size < (this.#settings.persistMinFaces ?? PERSIST_MIN_FACES)) return removeIndexFiles(dir, null);
    if (this.#unsaved === 0) return;
    const ann = this.#ann;
    const galleryId = this.#reader.galleryId();
    writeIndex(dir, { galleryId, seq: this.#applied, faces: ann.size, dimensions: this.#dims, quantization: this.#settings.quantization }, (path) => ann.save(path));
    this.#unsaved = 0;
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

  /** Reads every face in one snapshot into fresh structures; a generator so `start` can yield between batches. */
  *#build(): Generator<void> {
    this.#ann = null;
    this.#exact = null;
    this.#dims = 0;
    this.#dataVersion = this.#reader.dataVersion();
    this.#reader.beginRead();
    try {
      const total = this.#reader.faceCount();
      const counter = this.#reader.changeWindow().counter;
      let done = 0;
      let last = performance.now();
      let batch: FaceRow[] = [];
      for (const row of this.#reader.allFaces()) {
        batch.push(row);
        if (batch.length < BUILD_BATCH) continue;
        this.#addRows(batch);
        done += batch.length;
        batch = [];
        if (performance.now() - last > 2000) {
          last = performance.now();
          this.#hooks.onProgress?.(done, total);
        }
        yield;
      }
      this.#addRows(batch);
      this.#applied = counter;
      this.#unsaved = this.faces;
      this.#origin = this.faces > 0 ? 'built' : 'empty';
    } finally {
      this.#reader.endRead();
    }
  }

  #load(): boolean {
    if (!this.#settings.persistIndex || this.#settings.mode === 'exact') return false;
    const meta = readIndexMeta(indexDir(this.#settings.dbPath));
    if (!meta) return false;
    const usable = this.#reader.snapshot(() => {
      const window = this.#reader.changeWindow();
      return meta.galleryId === this.#reader.galleryId() && meta.quantization === this.#settings.quantization && !needsRebuild(window, meta.seq);
    });
    if (!usable) return false;
    try {
      const problem = indexFileProblem(meta);
      if (problem) throw new Error(problem);
      const ann = AnnFaces.load(meta.path, { ...this.#annOptions(), dimensions: meta.dimensions });
      if (ann.size !== meta.faces) throw new Error(`it holds ${ann.size} faces, its meta says ${meta.faces}`);
      this.#ann = ann;
    } catch (error) {
      this.#warnOnce('load', `the gallery index file ${meta.path} is not usable (${(error as Error).message}): rebuilding it`);
      return false;
    }
    this.#dims = meta.dimensions;
    this.#applied = meta.seq;
    this.#origin = 'loaded';
    this.#dataVersion = -1;
    this.sync();
    return true;
  }

  #addRows(rows: readonly FaceRow[]): void {
    if (rows.length === 0) return;
    const first = rows[0] as FaceRow;
    if (this.faces === 0 && this.#dims !== first.embedding.length) this.#reset(first.embedding.length);
    const fit = rows.filter((r) => r.embedding.length === this.#dims);
    if (fit.length < rows.length) this.#warnOnce('mixed', `faces of ${rows.length - fit.length === 1 ? 'another size' : 'other sizes'} than ${this.#dims} values are not searched`);
    const ids = fit.map((r) => r.id);
    const packed = new Float32Array(fit.length * this.#dims);
    fit.forEach((r, i) => packed.set(r.embedding, i * this.#dims));
    this.#ann?.add(ids, packed, this.#settings.buildThreads);
    this.#exact?.add(ids, packed);
  }

  #remove(id: number): void {
    if (this.#ann?.has(id)) this.#ann.remove(id);
    this.#exact?.remove(id);
  }

  #reset(dims: number): void {
    this.#dims = dims;
    this.#ann = this.#settings.mode === 'exact' ? null : AnnFaces.create({ ...this.#annOptions(), dimensions: dims });
    this.#exact = keepsExact(this.#settings.mode) ? new ExactFaces(dims) : null;
  }

  #annOptions(): { quantization: GallerySearchSettings['quantization']; expansionSearch: number; buildThreads: number } {
    return { quantization: this.#settings.quantization, expansionSearch: this.#settings.expansionSearch, buildThreads: this.#settings.buildThreads };
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#hooks.onWarning?.(message);
  }
}
