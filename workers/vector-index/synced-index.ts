import { performance } from 'node:perf_hooks';
import { AnnIndex, encodingOf, type Neighbour, type Quantization } from './ann-index';
import { ExactVectors } from './exact-vectors';
import { fileEncoding, readIndexMeta, indexFileProblem, removeIndexFiles, writeIndex } from './index-file';
import { needsRebuild, type VectorRow, type VectorSource } from './vector-source';

/** Rows read and indexed per step while building; between steps the worker can take a close. */
const BUILD_BATCH = 2048;

export interface SyncedIndexSettings {
  /** Scan every vector (exact) instead of walking the ANN index. */
  readonly exact: boolean;
  readonly quantization: Quantization;
  readonly expansionSearch: number;
  readonly expansionAdd?: number | undefined;
  readonly buildThreads: number;
  /** Where the ANN index is kept between runs (null: never saved), its file name prefix, and the smallest index worth a file. */
  readonly persist: { readonly dir: string; readonly prefix: string; readonly minRows: number } | null;
}

export interface SyncedIndexHooks {
  readonly onProgress?: (done: number, total: number) => void;
  readonly onWarning?: (message: string) => void;
}

export interface SyncedIndexStats {
  readonly mode: 'exact' | 'ann';
  readonly size: number;
  /** Changes applied since the index was built or loaded. */
  readonly appliedChanges: number;
  /** How the index came to be at start: built from the table or loaded from its file (then replayed). */
  readonly origin: 'built' | 'loaded' | 'empty';
  readonly buildMs: number;
}

/**
 * A vector index (usearch HNSW, or an exact scan) that mirrors a database table through the
 * table's change log: loaded from its file when that matches the store, else built from the
 * table (yielding between batches), then kept in step by replaying the log before each use.
 * Shared by the gallery's search worker and the history's appearance search worker; what a hit
 * means (an identity, an appearance) is theirs to decide.
 */
export class SyncedIndex {
  readonly #source: VectorSource;
  readonly #settings: SyncedIndexSettings;
  readonly #hooks: SyncedIndexHooks;
  #ann: AnnIndex | null = null;
  #exact: ExactVectors | null = null;
  #dims = 0;
  #applied = 0;
  #dataVersion = -1;
  #appliedChanges = 0;
  #unsaved = 0;
  #origin: SyncedIndexStats['origin'] = 'empty';
  #buildMs = 0;
  /** Set once start() finished: a half-built index (closed during its build) is never saved. */
  #complete = false;
  readonly #warned = new Set<string>();

  constructor(source: VectorSource, settings: SyncedIndexSettings, hooks: SyncedIndexHooks = {}) {
    this.#source = source;
    this.#settings = settings;
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#exact?.size ?? this.#ann?.size ?? 0;
  }

  /** Vector length of the rows held (0 while empty). */
  get dimensions(): number {
    return this.#dims;
  }

  /** Changes applied since the index file was last written (or the index built). */
  get unsaved(): number {
    return this.#unsaved;
  }

  /** Whether `nearest` scans every vector (its answers are exact, and it may be asked for all of them). */
  get exhaustive(): boolean {
    return this.#exact !== null;
  }

  stats(): SyncedIndexStats {
    return { mode: this.#settings.exact ? 'exact' : 'ann', size: this.size, appliedChanges: this.#appliedChanges, origin: this.#origin, buildMs: Math.round(this.#buildMs) };
  }

  /** Loads the index file if it matches the store, else builds from the table; yields between batches. */
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

  /** Applies the changes other connections (and ours) committed since the last call. */
  sync(): void {
    const source = this.#source;
    const version = source.dataVersion();
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    const complete = source.snapshot(() => {
      const window = source.changeWindow();
      if (needsRebuild(window, this.#applied)) return false;
      const changes = source.changesSince(this.#applied);
      const final = new Map<number, boolean>();
      for (const change of changes) final.set(change.rowId, change.added === 1);
      const added: number[] = [];
      for (const [id, isAdded] of final) {
        this.#remove(id);
        if (isAdded) added.push(id);
      }
      for (let i = 0; i < added.length; i += BUILD_BATCH) this.#addRows(source.rowsById(added.slice(i, i + BUILD_BATCH)));
      this.#applied = Math.max(this.#applied, window.counter);
      this.#appliedChanges += changes.length;
      this.#unsaved += changes.length;
      return true;
    });
    if (!complete) {
      this.warnOnce('rebuild', 'the table changed more than its change log holds since the index last looked: rebuilding the index');
      for (const _ of this.#build());
    }
  }

  /** Ids of up to `n` rows nearest to `query`, nearest first (call sync() first to see the latest writes). */
  nearest(query: Float32Array, n: number): number[] {
    const source = this.#searchable(query, n);
    return source ? source.nearest(query, n) : [];
  }

  /** Up to `n` rows nearest to `query`, nearest first, with their similarity as the index has it (exact or not: `scoresExact` in ann-index.ts). */
  scored(query: Float32Array, n: number): Neighbour[] {
    const source = this.#searchable(query, n);
    return source ? source.scored(query, n) : [];
  }

  #searchable(query: Float32Array, n: number): AnnIndex | ExactVectors | null {
    const source = this.#exact ?? this.#ann;
    if (!source || source.size === 0 || n <= 0) return null;
    if (query.length !== this.#dims) {
      this.warnOnce('dims', `a ${query.length}-d query against ${this.#dims}-d vectors: no match possible`);
      return null;
    }
    return source;
  }

  /** Writes the index file when persisting is on, the ANN index is worth keeping and it changed. */
  saveIfUseful(): void {
    const persist = this.#settings.persist;
    if (!persist || !this.#ann || !this.#complete) return;
    if (this.#ann.size < persist.minRows) return removeIndexFiles(persist.dir, null);
    if (this.#unsaved === 0) return;
    const ann = this.#ann;
    const meta = { galleryId: this.#source.storeId(), seq: this.#applied, faces: ann.size, dimensions: this.#dims, quantization: this.#settings.quantization, encoding: encodingOf(this.#settings.quantization) };
    writeIndex(persist.dir, persist.prefix, meta, (path) => ann.save(path));
    this.#unsaved = 0;
  }

  warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#hooks.onWarning?.(message);
  }

  /** Reads every row in one snapshot into fresh structures; a generator so `start` can yield between batches. */
  *#build(): Generator<void> {
    const source = this.#source;
    this.#ann = null;
    this.#exact = null;
    this.#dims = 0;
    this.#dataVersion = source.dataVersion();
    source.beginRead();
    try {
      const total = source.count();
      const counter = source.changeWindow().counter;
      let done = 0;
      let last = performance.now();
      let batch: VectorRow[] = [];
      for (const row of source.allRows()) {
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
      this.#unsaved = this.size;
      this.#origin = this.size > 0 ? 'built' : 'empty';
    } finally {
      source.endRead();
    }
  }

  #load(): boolean {
    const persist = this.#settings.persist;
    if (!persist || this.#settings.exact) return false;
    const meta = readIndexMeta(persist.dir);
    if (!meta) return false;
    const source = this.#source;
    const wanted = encodingOf(this.#settings.quantization);
    if (fileEncoding(meta) !== wanted) {
      this.warnOnce('encoding', `the index file ${meta.path} holds ${fileEncoding(meta)} vectors, ${wanted} are configured: rebuilding it`);
      return false;
    }
    const usable = source.snapshot(() => meta.galleryId === source.storeId() && !needsRebuild(source.changeWindow(), meta.seq));
    if (!usable) return false;
    try {
      const problem = indexFileProblem(meta);
      if (problem) throw new Error(problem);
      const ann = AnnIndex.load(meta.path, { ...this.#annOptions(), dimensions: meta.dimensions });
      if (ann.size !== meta.faces) throw new Error(`it holds ${ann.size} vectors, its meta says ${meta.faces}`);
      this.#ann = ann;
    } catch (error) {
      this.warnOnce('load', `the index file ${meta.path} is not usable (${(error as Error).message}): rebuilding it`);
      return false;
    }
    this.#dims = meta.dimensions;
    this.#applied = meta.seq;
    this.#origin = 'loaded';
    this.#dataVersion = -1;
    this.sync();
    return true;
  }

  #addRows(rows: readonly VectorRow[]): void {
    if (rows.length === 0) return;
    const first = rows[0] as VectorRow;
    if (this.size === 0 && this.#dims !== first.embedding.length) this.#reset(first.embedding.length);
    const fit = rows.filter((r) => r.embedding.length === this.#dims);
    if (fit.length < rows.length) this.warnOnce('mixed', `vectors of ${rows.length - fit.length === 1 ? 'another size' : 'other sizes'} than ${this.#dims} values are not searched`);
    const ids = fit.map((r) => r.id);
    const packed = new Float32Array(fit.length * this.#dims);
    fit.forEach((r, i) => packed.set(r.embedding, i * this.#dims));
    this.#ann?.add(ids, packed, this.#settings.buildThreads);
    this.#exact?.add(ids, packed);
  }

  #remove(id: number): void {
    if (this.#ann?.has(id)) this.#ann.remove(id);
    this.#exact?.remove(id);
    this.#source.forget?.(id);
  }

  #reset(dims: number): void {
    this.#dims = dims;
    this.#ann = this.#settings.exact ? null : AnnIndex.create({ ...this.#annOptions(), dimensions: dims });
    this.#exact = this.#settings.exact ? new ExactVectors(dims) : null;
  }

  #annOptions(): { quantization: Quantization; expansionSearch: number; buildThreads: number; expansionAdd?: number } {
    const s = this.#settings;
    return { quantization: s.quantization, expansionSearch: s.expansionSearch, buildThreads: s.buildThreads, ...(s.expansionAdd !== undefined && { expansionAdd: s.expansionAdd }) };
  }
}
