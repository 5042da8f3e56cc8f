import { z } from 'zod';
import { EVENT_TYPES } from '../events';

const GIB = 1024 ** 3;

/**
 * `history:` the stored event history (src/history): events and their snapshots kept on disk,
 * bounded by age and by size, searchable by face. On by default, in `VIGIL_DATA_DIR/history.db`.
 */
export const historySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Events older than this are deleted with their snapshots. */
    maxAgeDays: z.number().positive().max(36_500).default(30),
    /** history.db (pages in use) plus the snapshot files its events reference, at most; the oldest events go first beyond. */
    maxBytes: z.number().int().min(16 * 1024 ** 2).max(1024 ** 5).default(10 * GIB),
    /** Event types stored (per-frame `vigil.face.detected` is not, unless listed). */
    types: z.array(z.enum(EVENT_TYPES)).min(1).default(['vigil.face.recognized', 'vigil.face.unknown', 'vigil.face.track.ended', 'vigil.camera.status']),
    /** Events are written in one transaction at most this often (never on the event's own turn of the event loop). */
    flushIntervalMs: z.number().int().min(1).max(10_000).default(250),
    /** Events waiting to be written, at most; beyond, the oldest waiting are dropped and counted. */
    maxPendingEvents: z.number().int().min(10).max(1_000_000).default(20_000),
    /** How often retention runs (it also runs at start). */
    retentionIntervalMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    /** Search by face over stored appearances (an ANN index in a worker thread, see README "History and search"). */
    search: z
      .object({
        enabled: z.boolean().default(true),
        quantization: z.enum(['i8', 'f16', 'f32']).default('i8'),
        /** HNSW search breadth: recall against latency. */
        expansionSearch: z.number().int().min(1).max(4096).default(128),
        /** HNSW build breadth: a lower one builds (and rebuilds) faster, with somewhat lower recall. */
        expansionAdd: z.number().int().min(8).max(4096).default(64),
        /** Default for a search's `minSimilarity` (cosine): appearances below are not returned. */
        minSimilarity: z.number().min(-1).max(1).default(0.35),
        /** Keep the index in VIGIL_DATA_DIR/history-index/ so a restart loads it instead of rebuilding. */
        persistIndex: z.boolean().default(true),
        /** Threads that (re)build the index (default: all cores but one). */
        buildThreads: z.number().int().min(1).max(256).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type HistoryConfig = z.infer<typeof historySchema>;
