import { createHash } from 'node:crypto';
import { VigilError, isVigilError } from '../errors';
import { ALIGNED_SIZE, type DetectedFace, type DetectResult, type EmbedResult, type Point } from '../inference';
import { decodeUpload, encodePng } from '../imaging';
import { enrolmentProblem } from './enrolment';
import { checkIdentityText } from './identity-text';
import type { Gallery, IdentitySummary } from './store';

/** Where and when an identity was last seen (its newest stored event), from the event history. */
export interface LastSeen {
  readonly time: string;
  readonly camera: string;
  readonly eventId: string;
}

/** An identity as operators see it (`GET /v1/identities`). */
export type IdentityView = IdentitySummary & { readonly lastSeen?: LastSeen | null };

/** An enrolled face or "not this person" example as the API shows it: `crop` is the URL of its aligned crop, or null. */
export interface FaceView {
  readonly id: number;
  readonly source: string | null;
  readonly sha256?: string | null;
  readonly createdAt: string;
  readonly model: string | null;
  readonly crop: string | null;
}

/** A face to enrol: image bytes (sniffed and decoded here, never written to disk) or a recent track. */
export type FaceSource = { readonly image: Buffer } | { readonly fromTrack: string };

/** The face models, as enrolment uses them (the gateway's inference pool). */
export interface FaceModels {
  detect(pixels: ArrayBuffer, width: number, height: number, analyze: boolean): Promise<DetectResult>;
  embed(pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]): Promise<EmbedResult>;
  /** sha256 of the loaded models, by manifest name (the embedding's is recorded with each face). */
  readonly loadedModels?: Readonly<Record<string, string>>;
}

export interface IdentityServiceDeps {
  /** The gateway's gallery (null before start). */
  readonly gallery: () => Gallery | null;
  readonly pool: FaceModels;
  /** Where an identity was last seen (the event history), when there is one. */
  readonly lastSeen?: (identityId: string) => LastSeen | null;
}

type Embedded = { embedding: Float32Array; source: string; sha256?: string; crop?: Uint8Array; model?: string };

/**
 * The gallery behind the API: images are sniffed, decoded in memory with the pixel limit, run
 * through the same enrolment checks as the CLI (one clear face, large and sharp enough), and
 * embedded by the gateway's own worker pool. Creating with several faces is all or nothing.
 */
export class IdentityService {
  readonly #deps: IdentityServiceDeps;

  constructor(deps: IdentityServiceDeps) {
    this.#deps = deps;
  }

  #gallery(): Gallery {
    const gallery = this.#deps.gallery();
    if (!gallery) throw new VigilError('VIGIL_ERR_NOT_READY', 'the gallery is not open yet');
    return gallery;
  }

  #view(i: IdentitySummary): IdentityView {
    const base = { id: i.id, name: i.name, externalId: i.externalId, metadata: i.metadata, faces: i.faces, negatives: i.negatives, createdAt: i.createdAt };
    return this.#deps.lastSeen ? { ...base, lastSeen: this.#deps.lastSeen(i.id) } : base;
  }

  list(): IdentityView[] {
    return this.#gallery().list().map((i) => this.#view(i));
  }

  get(id: string): IdentityView {
    return this.#view(this.#require(id));
  }

  #require(id: string): IdentitySummary {
    const found = this.#gallery().identity(id);
    if (!found) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${id}"`, { identity: id });
    return found;
  }

  async create(input: { name: string; externalId?: string; metadata?: Record<string, unknown>; faces: FaceSource[] }): Promise<IdentityView> {
    const gallery = this.#gallery();
    // Before the (costly) embeddings: a name that would spoof the dashboard is refused at once.
    checkIdentityText(input);
    if (gallery.identity(input.name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${input.name}" exists`, { name: input.name });
    const embeddings: Embedded[] = [];
    for (const [index, face] of input.faces.entries()) embeddings.push(await this.#embed(face, `images[${index}]`));
    const options = { ...(input.externalId !== undefined && { externalId: input.externalId }), ...(input.metadata && { metadata: input.metadata }) };
    return this.#view(gallery.create(input.name, embeddings, options));
  }

  update(id: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentityView {
    return this.#view(this.#gallery().update(id, patch));
  }

  remove(id: string): void {
    if (!this.#gallery().remove(id)) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${id}"`, { identity: id });
  }

  async addFace(id: string, face: FaceSource): Promise<{ faceId: number }> {
    this.get(id);
    const { embedding, source, sha256, crop, model } = await this.#embed(face, 'image');
    return { faceId: this.#gallery().addFace(id, embedding, source, sha256, { crop, model }) };
  }

  /** The identity's faces, oldest first, with the URL of each one's aligned crop (null when none is stored). */
  faces(id: string): (FaceView & { sha256: string | null })[] {
    const identity = this.#require(id);
    return this.#gallery().faceIds(identity.id).map((f) => ({
      id: f.id, source: f.source, sha256: f.sha256, createdAt: f.createdAt, model: f.model,
      crop: f.hasCrop ? `/v1/identities/${identity.id}/faces/${f.id}/crop` : null,
    }));
  }

  /** "Not this person" examples, oldest first. */
  negatives(id: string): FaceView[] {
    const identity = this.#require(id);
    return this.#gallery().media.negatives(identity.id).map((n) => ({
      id: n.id, source: n.source, createdAt: n.createdAt, model: n.model, crop: n.hasCrop ? `/v1/identities/${identity.id}/negatives/${n.id}/crop` : null,
    }));
  }

  removeNegative(id: string, negativeId: number): void {
    const identity = this.#require(id);
    if (!this.#gallery().media.removeNegative(identity.id, negativeId)) throw new VigilError('VIGIL_ERR_NEGATIVE_NOT_FOUND', `identity "${id}" has no "not this person" example ${negativeId}`, { identity: id, negativeId });
  }

  /** PNG of a face's (or negative's) aligned crop; VIGIL_ERR_CROP_NOT_FOUND when none is stored. */
  async crop(id: string, kind: 'face' | 'negative', faceId: number): Promise<Buffer> {
    const identity = this.#require(id);
    const raw = this.#gallery().media.crop(kind, identity.id, faceId);
    if (!raw) throw new VigilError('VIGIL_ERR_CROP_NOT_FOUND', `no aligned crop stored for ${kind} ${faceId} of "${identity.name}"`, { identity: id, [kind === 'face' ? 'faceId' : 'negativeId']: faceId });
    return encodePng({ pixels: raw, width: ALIGNED_SIZE, height: ALIGNED_SIZE });
  }

  removeFace(id: string, faceId: number): void {
    if (!this.#gallery().removeFace(id, faceId)) throw new VigilError('VIGIL_ERR_FACE_NOT_FOUND', `identity "${id}" has no face ${faceId}`, { identity: id, faceId });
  }

  async addNegative(id: string, face: FaceSource): Promise<IdentityView> {
    this.get(id);
    const { embedding, source, crop, model } = await this.#embed(face, 'image', false);
    return this.#view(this.#gallery().addNegative(id, embedding, source, { crop, model }));
  }

  /** One embedding from an uploaded image or a recent track; enrolment refusals are VIGIL_ERR_ENROLL_* (422). */
  async #embed(face: FaceSource, label: string, strict = true): Promise<Embedded> {
    const model = this.#deps.pool.loadedModels?.embedding;
    const made = model === undefined ? {} : { model };
    if ('fromTrack' in face) {
      const gallery = this.#gallery();
      const embedding = gallery.trackEmbedding(face.fromTrack);
      if (!embedding) throw new VigilError('VIGIL_ERR_TRACK_NOT_FOUND', `no recorded track "${face.fromTrack}" (only recent recognised or unknown tracks are kept)`, { track: face.fromTrack });
      // The best view's crop, when still kept (the newest tracks'): the face can then be re-embedded by another model.
      const crop = gallery.trackCrop(face.fromTrack);
      return { embedding, source: `track:${face.fromTrack}`, ...made, ...(crop && { crop }) };
    }
    const image = await decodeUpload(face.image);
    const { pool } = this.#deps;
    try {
      const detected = await pool.detect(image.pixels, image.width, image.height, true);
      // "Not this person" takes the largest face of a crowded photo; enrolment wants exactly one good face.
      const faces = strict ? detected.faces : [...detected.faces].sort((a, b) => b.box.height - a.box.height).slice(0, 1);
      const problem = enrolmentProblem(label, faces);
      if (problem && (strict || problem.code === 'VIGIL_ERR_ENROLL_NO_FACE')) throw problem;
      const best = faces[0] as DetectedFace;
      if (!best.landmarks) throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the face has no landmarks');
      // The worker hands back the aligned crop it embedded: kept so a later model can re-embed the face.
      const { embeddings, crops } = await pool.embed(detected.pixels, image.width, image.height, [{ landmarks: best.landmarks }]);
      const crop = crops[0] as Uint8Array;
      // The photo's hash lets `vigil enroll --dir` against this gateway skip photos already in.
      return { embedding: embeddings[0] as Float32Array, source: `upload:${label}`, sha256: createHash('sha256').update(face.image).digest('hex'), crop, ...made };
    } catch (error) {
      if (isVigilError(error)) throw error;
      throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the face could not be analysed', {}, { cause: error });
    }
  }
}
