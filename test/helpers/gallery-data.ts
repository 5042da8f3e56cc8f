import Database from 'better-sqlite3';

/**
 * Generated face galleries for the search tests and benchmark: deterministic from a seed.
 *
 * Identities are cluster centres; each has 1-3 enrolled faces, noisy views of its centre (two views
 * of one person at cosine ~0.65, a typical same-person score), and queries are new views: of an
 * enrolled identity, or of a stranger. Centres lie mostly in a 48-dimensional subspace with a few
 * dominant directions plus an isotropic part, so faces of different people have cosine mean ~0,
 * sd ~0.09, as real face embeddings (whose intrinsic dimension is far below 512) do; centres drawn
 * uniformly from the 512-d sphere (`isotropic: true`) are the worst case for any graph index.
 */
export interface GalleryDataOptions {
  readonly identities: number;
  readonly dims?: number;
  readonly seed?: number;
  readonly isotropic?: boolean;
}

const LATENT = 48;
/** Per-dimension noise of a view: |noise|^2 = 0.54, so cos(view, centre) ~ 0.8 and cos(view, view) ~ 0.65. */
const VIEW_NOISE = 0.54;

export class GalleryData {
  readonly dims: number;
  readonly identities: number;
  readonly #isotropic: boolean;
  #state: number;
  #spare: number | null = null;
  readonly #basis: Float32Array;
  readonly #seed: number;

  constructor(options: GalleryDataOptions) {
    this.dims = options.dims ?? 512;
    this.identities = options.identities;
    this.#isotropic = options.isotropic ?? false;
    this.#seed = (options.seed ?? 1) >>> 0 || 1;
    this.#state = this.#seed;
    this.#basis = new Float32Array(LATENT * this.dims);
    for (let i = 0; i < this.#basis.length; i++) this.#basis[i] = this.#gauss() / Math.sqrt(this.dims);
  }

  /** Identity i's centre (the same for the same seed and i). */
  centre(i: number): Float32Array {
    this.#reseed(i * 2 + 1);
    return this.#centre();
  }

  /** How many faces identity i has enrolled (1-3). */
  faceCount(i: number): number {
    this.#reseed(i * 2 + 1);
    return 1 + Math.floor(this.#uniform() * 3);
  }

  /** Identity i's enrolled faces. */
  faces(i: number): Float32Array[] {
    const count = this.faceCount(i);
    const centre = this.centre(i);
    this.#reseed(i * 2 + 2);
    return Array.from({ length: count }, () => this.#view(centre));
  }

  /** A new view of identity i (query number q, distinct from its enrolled faces). */
  viewOf(i: number, q: number): Float32Array {
    const centre = this.centre(i);
    this.#reseed(0x7fff0000 + q * 7919 + i);
    return this.#view(centre);
  }

  /** A view of someone not enrolled (stranger number q). */
  stranger(q: number): Float32Array {
    this.#reseed(0x3fff0000 + q * 104_729);
    return this.#view(this.#centre());
  }

  #centre(): Float32Array {
    const d = this.dims;
    const out = new Float32Array(d);
    if (this.#isotropic) {
      for (let i = 0; i < d; i++) out[i] = this.#gauss();
      return normalise(out);
    }
    const z = new Float32Array(LATENT);
    let zn = 0;
    for (let j = 0; j < LATENT; j++) {
      z[j] = this.#gauss() * Math.pow(0.97, j);
      zn += (z[j] as number) ** 2;
    }
    zn = Math.sqrt(zn);
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < LATENT; j++) v += (this.#basis[j * d + i] as number) * (z[j] as number);
      out[i] = (0.85 * v) / zn + (0.53 * this.#gauss()) / Math.sqrt(d);
    }
    return normalise(out);
  }

  #view(centre: Float32Array): Float32Array {
    const sigma = Math.sqrt(VIEW_NOISE / this.dims);
    return normalise(centre.map((c) => c + sigma * this.#gauss()));
  }

  #reseed(n: number): void {
    this.#state = (Math.imul(this.#seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n, 0xc2b2ae35)) >>> 0 || 1;
    this.#spare = null;
    for (let i = 0; i < 4; i++) this.#uniform();
  }

  #uniform(): number {
    let x = this.#state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.#state = x || 1;
    return x / 4294967296;
  }

  #gauss(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    let u = this.#uniform();
    while (u === 0) u = this.#uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.#uniform();
    this.#spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * n;
  return v;
}

/**
 * Writes identities [from, to) of `data` into gallery.db through a second connection, in one
 * transaction (as a bulk import by the CLI would): the schema must exist (Gallery.open made it).
 * Names are `person-<i>`, ids `id-<i>`; `onFace` sees each face written. Returns the faces written.
 */
export function writeIdentities(dbPath: string, data: GalleryData, from: number, to: number, onFace?: (identity: number, face: Float32Array) => void): number {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 5000');
    const identity = db.prepare('INSERT INTO identities (id, name, external_id, metadata, created_at) VALUES (?, ?, NULL, NULL, ?)');
    const face = db.prepare('INSERT INTO faces (identity_id, embedding, source, created_at) VALUES (?, ?, ?, ?)');
    let faces = 0;
    db.transaction(() => {
      const now = Date.now();
      for (let i = from; i < to; i++) {
        const id = `id-${i}`;
        identity.run(id, `person-${i}`, now);
        for (const v of data.faces(i)) {
          face.run(id, Buffer.from(v.buffer, v.byteOffset, v.byteLength), 'generated', now);
          onFace?.(i, v);
          faces += 1;
        }
      }
    })();
    return faces;
  } finally {
    db.close();
  }
}
