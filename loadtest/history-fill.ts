import { performance } from 'node:perf_hooks';
import type { PublishedEvent } from '../src/events';
import { HistoryStore, packVector, unpackVector } from '../src/history';
import { GalleryData } from '../test/helpers/gallery-data';
import { SyntheticEvents } from '../test/helpers/history-data';

export const CAMERAS = Array.from({ length: 16 }, (_, i) => `cam-${String(i).padStart(2, '0')}`);
export const PEOPLE = Array.from({ length: 200 }, (_, i) => ({ id: `id-${i}`, name: `person-${i}` }));
export interface FillOptions {
  readonly appearances: number;
  /** Other events (track ended, camera status) per appearance. */
  readonly otherShare: number;
  /** People planted among the strangers, each seen `plantedViews` times. */
  readonly planted: number;
  readonly plantedViews: number;
  /** Events span [now - spanDays, now]. */
  readonly spanDays: number;
  /** The embedding model the appearances are stamped with (the gateway's, so that its search indexes them). */
  readonly model: string;
  readonly log: (line: string) => void;
}

export interface Filled {
  readonly events: number;
  readonly appearances: number;
  readonly fillMs: number;
  /** Of fillMs, the time in HistoryStore.insert (the rest generates the events and vectors). */
  readonly writeMs: number;
  /** Every appearance's stored (dequantised) vector, back to back, in insertion order: the exact scan's dataset. */
  readonly vectors: Float32Array;
  /** Event id of appearance i (insertion order). */
  readonly appearanceIds: string[];
  /** For each planted person: the indexes of their appearances. */
  readonly plantedIndexes: number[][];
  readonly from: number;
  readonly to: number;
}

/**
 * Fills history.db through the history's own write path (HistoryStore.insert, 5,000 events per
 * transaction) with generated events spread over `spanDays`: face answers whose embeddings are
 * generated faces (test/helpers/gallery-data.ts: strangers, plus planted people seen several
 * times: the near-duplicates recall is measured on), and track.ended / camera.status events.
 */
export function fillHistory(dataDir: string, o: FillOptions): Filled {
  const dims = 512;
  const faces = new GalleryData({ identities: o.planted, seed: 41 });
  const to = Date.now() - 60_000;
  const from = to - o.spanDays * 86_400_000;
  const others = Math.round(o.appearances * o.otherShare);
  const total = o.appearances + others;
  const step = (to - from) / total;
  const events = new SyntheticEvents({ cameras: CAMERAS, identities: PEOPLE, start: from, stepMs: step, seed: 7 });
  const vectors = new Float32Array(o.appearances * dims);
  const appearanceIds: string[] = [];
  const plantedIndexes: number[][] = Array.from({ length: o.planted }, () => []);
  // Planted appearances at evenly spread positions among the face events.
  const plantedAt = new Map<number, number>();
  const plantedTotal = o.planted * o.plantedViews;
  for (let k = 0; k < plantedTotal; k++) plantedAt.set(Math.floor(((k + 0.5) * o.appearances) / plantedTotal), k % o.planted);
  const store = HistoryStore.open(dataDir);
  const t0 = performance.now();
  let batch: { event: PublishedEvent['event']; json: string; embedding?: { vector: Float32Array; model: string } }[] = [];
  let face = 0;
  let stranger = 0;
  let lastLog = t0;
  let writeMs = 0;
  const flush = (): void => {
    const w0 = performance.now();
    store.insert(batch, () => null);
    writeMs += performance.now() - w0;
    batch = [];
  };
  for (let i = 0; i < total; i++) {
    // Face answers and other events interleaved evenly, in time order.
    const isFace = face < o.appearances && (others === 0 || (i * o.appearances) / total >= face);
    if (!isFace) {
      const type = i % 5 === 0 ? 'vigil.camera.status' : 'vigil.face.track.ended';
      const { event, json } = events.event(i, { type });
      batch.push({ event, json });
    } else {
      const person = plantedAt.get(face);
      const generated = person !== undefined ? faces.viewOf(person, plantedIndexes[person]?.length ?? 0) : faces.stranger(stranger++);
      // What the store keeps (int8): the exact scan's dataset is the stored vectors, as the index sees them.
      const stored = unpackVector(packVector(generated));
      vectors.set(stored, face * dims);
      const type = person === undefined && i % 3 === 0 ? 'vigil.face.unknown' : 'vigil.face.recognized';
      const { event, json } = events.event(i, { type, ...(type === 'vigil.face.unknown' ? { identity: null } : {}) });
      batch.push({ event, json, embedding: { vector: generated, model: o.model } });
      appearanceIds.push(event.id);
      if (person !== undefined) plantedIndexes[person]?.push(face);
      face++;
    }
    if (batch.length >= 5000) flush();
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      o.log(`  filled ${i + 1} of ${total} events (${((i + 1) / ((lastLog - t0) / 1000)).toFixed(0)}/s)`);
    }
  }
  flush();
  const fillMs = performance.now() - t0;
  store.close();
  return { events: total, appearances: o.appearances, fillMs, writeMs, vectors, appearanceIds, plantedIndexes, from, to };
}
