import { createHash } from 'node:crypto';
import { VigilError, isVigilError } from '../errors';
import { decodeUpload } from '../imaging';
import type { DetectedFace, DetectResult, EmbedResult, Point } from '../inference';
import { enrolmentProblem } from './enrolment';
import { checkIdentityText } from './identity-text';
import type { Gallery, IdentitySummary } from './store';

/** An identity as operators see it (`GET /v1/identities`). */
export type IdentityView = IdentitySummary;

/** A face to enrol: image bytes (sniffed and decoded here, never written to disk) or a recent track. */
export type FaceSource = { readonly image: Buffer } | { readonly fromTrack: string };

/** The face models, as enrolment uses them (the gateway's inference pool). */
export interface FaceModels {
  detect(pixels: ArrayBuffer, width: number, height: number, analyze: boolean): Promise<DetectResult>;
  embed(pixels: ArrayBuffer, width: number, height: number, faces: readonly { landmarks: Point[] }[]): Promise<EmbedResult>;
}

export interface IdentityServiceDeps {
  /** The gateway's gallery (null before start). */
  readonly gallery: () => Gallery | null;
  readonly pool: FaceModels;
}

function view(i: IdentityView): IdentityView {
  return { id: i.id, name: i.name, externalId: i.externalId, metadata: i.metadata, faces: i.faces, negatives: i.negatives, createdAt: i.createdAt };
}

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

  list(): IdentityView[] {
    return this.#gallery().list().map(view);
  }

  get(id: string): IdentityView {
    const found = this.#gallery().identity(id);
    if (!found) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${id}"`, { identity: id });
    return view(found);
  }

  async create(input: { name: string; externalId?: string; metadata?: Record<string, unknown>; faces: FaceSource[] }): Promise<IdentityView> {
    const gallery = this.#gallery();
    // Before the (costly) embeddings: a name that would spoof the dashboard is refused at once.
    checkIdentityText(input);
    if (gallery.identity(input.name)) throw new VigilError('VIGIL_ERR_IDENTITY_EXISTS', `an identity named "${input.name}" exists`, { name: input.name });
    const embeddings: { embedding: Float32Array; source: string; sha256?: string }[] = [];
    for (const [index, face] of input.faces.entries()) embeddings.push(await this.#embed(face, `images[${index}]`));
    const options = { ...(input.externalId !== undefined && { externalId: input.externalId }), ...(input.metadata && { metadata: input.metadata }) };
    return view(gallery.create(input.name, embeddings, options));
  }

  update(id: string, patch: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> | null }): IdentityView {
    return view(this.#gallery().update(id, patch));
  }

  remove(id: string): void {
    if (!this.#gallery().remove(id)) throw new VigilError('VIGIL_ERR_IDENTITY_NOT_FOUND', `no identity "${id}"`, { identity: id });
  }

  async addFace(id: string, face: FaceSource): Promise<{ faceId: number }> {
    this.get(id);
    const { embedding, source, sha256 } = await this.#embed(face, 'image');
    return { faceId: this.#gallery().addFace(id, embedding, source, sha256) };
  }

  faces(id: string): { id: number; source: string | null; sha256: string | null; createdAt: string }[] {
    return this.#gallery().faceIds(id);
  }

  removeFace(id: string, faceId: number): void {
    if (!this.#gallery().removeFace(id, faceId)) throw new VigilError('VIGIL_ERR_FACE_NOT_FOUND', `identity "${id}" has no face ${faceId}`, { identity: id, faceId });
  }

  async addNegative(id: string, face: FaceSource): Promise<IdentityView> {
    this.get(id);
    const { embedding, source } = await this.#embed(face, 'image', false);
    return view(this.#gallery().addNegative(id, embedding, source));
  }

  /** One embedding from an uploaded image or a recent track; enrolment refusals are VIGIL_ERR_ENROLL_* (422). */
  async #embed(face: FaceSource, label: string, strict = true): Promise<{ embedding: Float32Array; source: string; sha256?: string }> {
    if ('fromTrack' in face) {
      const embedding = this.#gallery().trackEmbedding(face.fromTrack);
      if (!embedding) throw new VigilError('VIGIL_ERR_TRACK_NOT_FOUND', `no recorded track "${face.fromTrack}" (only recent recognised or unknown tracks are kept)`, { track: face.fromTrack });
      return { embedding, source: `track:${face.fromTrack}` };
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
      const { embeddings } = await pool.embed(detected.pixels, image.width, image.height, [{ landmarks: best.landmarks }]);
      // The photo's hash lets `vigil enroll --dir` against this gateway skip photos already in.
      return { embedding: embeddings[0] as Float32Array, source: `upload:${label}`, sha256: createHash('sha256').update(face.image).digest('hex') };
    } catch (error) {
      if (isVigilError(error)) throw error;
      throw new VigilError('VIGIL_ERR_INFERENCE_FAILED', 'the face could not be analysed', {}, { cause: error });
    }
  }
}
