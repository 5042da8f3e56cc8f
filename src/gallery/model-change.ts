import { VigilError } from '../errors';
import type { StaleEmbedding } from './face-media';
import type { Gallery } from './store';

/** Embeds one aligned 112x112 RGB24 crop with the model being switched to. */
export type CropEmbedder = (crop: Uint8Array) => Promise<Float32Array>;

/** Faces and negatives named in the refusal at most (the count says how many in all). */
const NAMED = 10;

/** Which stale embeddings can be re-embedded (a crop is stored) and which cannot (pure). */
export function splitStale(stale: readonly StaleEmbedding[]): { reembed: StaleEmbedding[]; blocked: StaleEmbedding[] } {
  return { reembed: stale.filter((s) => s.crop !== null), blocked: stale.filter((s) => s.crop === null) };
}

/** The refusal when some embeddings of another model have no crop (pure): which, and what to do. */
export function modelChangeRefusal(model: string, blocked: readonly StaleEmbedding[]): VigilError {
  const named = blocked.slice(0, NAMED).map((b) => `${b.kind} ${b.id} of "${b.identityName}" (${b.source ?? 'unknown source'}, model ${b.model.slice(0, 12)})`);
  const more = blocked.length > NAMED ? ` and ${blocked.length - NAMED} more` : '';
  const faces = blocked.filter((b) => b.kind === 'face');
  const negatives = blocked.filter((b) => b.kind === 'negative');
  return new VigilError(
    'VIGIL_ERR_EMBEDDING_MODEL_CHANGED',
    `the embedding model is now ${model.slice(0, 12)}…, but ${blocked.length} gallery embedding(s) made by another model have no stored crop to re-embed from: ${named.join('; ')}${more}. ` +
      'Re-enrol those identities from photos and remove the old faces (DELETE /v1/identities/{id}/faces/{faceId}, /negatives/{negativeId}, or `vigil identities remove-face`), or go back to the model they were made with',
    {
      model,
      faces: faces.length,
      negatives: negatives.length,
      identities: [...new Set(blocked.map((b) => b.identityName))].slice(0, 50).join(', '),
      faceIds: faces.slice(0, 100).map((b) => b.id).join(','),
      negativeIds: negatives.slice(0, 100).map((b) => b.id).join(','),
    },
  );
}

/**
 * Gets the gallery ready for `model`: every face and negative made by another model is re-embedded
 * from its stored crop (computed first, written by the returned `commit` in one transaction, so
 * the caller can switch the gallery at the same moment it switches the model), or, when any has
 * no crop, nothing changes and VIGIL_ERR_EMBEDDING_MODEL_CHANGED says which and what to do.
 */
export async function prepareModelChange(gallery: Gallery, model: string, embed: CropEmbedder): Promise<{ reembedded: number; commit: () => void }> {
  const { reembed, blocked } = splitStale(gallery.media.stale(model));
  if (blocked.length > 0) throw modelChangeRefusal(model, blocked);
  const updates: { kind: StaleEmbedding['kind']; id: number; embedding: Float32Array }[] = [];
  for (const entry of reembed) updates.push({ kind: entry.kind, id: entry.id, embedding: await embed(entry.crop as Uint8Array) });
  return { reembedded: updates.length, commit: () => gallery.media.replaceEmbeddings(updates, model) };
}

/**
 * At start, before the pool serves recognition: embeddings enrolled before models were recorded
 * are stamped with the model in use; any made by another model are re-embedded from their crops
 * or the start is refused (see prepareModelChange).
 */
export async function reconcileEmbeddingModel(gallery: Gallery, model: string, embed: CropEmbedder): Promise<{ adopted: number; reembedded: number }> {
  const adopted = gallery.media.adoptModel(model);
  const { reembedded, commit } = await prepareModelChange(gallery, model, embed);
  commit();
  return { adopted, reembedded };
}
