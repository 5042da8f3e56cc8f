/** The cluster's own topics, all compacted (keyed state) except `tracks` (recent, by time). */
export interface ClusterTopics {
  /** API camera specs, key = camera id, tombstone = removed. Its partitions are the unit of ownership. */
  readonly cameras: string;
  /** Live camera views published by the gateway running each camera, key = camera id. */
  readonly views: string;
  /** The gallery, key = identity id, value = the whole identity; tombstone = removed. */
  readonly identities: string;
  /** Stored access tokens (sha256 digests, never tokens), key = token id. */
  readonly tokens: string;
  /** Gateways and the URL they are reached at, key = instance id. */
  readonly members: string;
  /** Recent tracks' embeddings ("not this person" and enrolment from a track on any gateway). */
  readonly tracks: string;
}

export function clusterTopics(prefix: string): ClusterTopics {
  return {
    cameras: `${prefix}.cameras`,
    views: `${prefix}.views`,
    identities: `${prefix}.identities`,
    tokens: `${prefix}.tokens`,
    members: `${prefix}.members`,
    tracks: `${prefix}.tracks`,
  };
}

/**
 * The partition of the cameras topic that owns a camera: FNV-1a (32 bit) of the id, modulo the
 * partition count. Every gateway computes the same answer, and camera records are produced to
 * exactly that partition, so "the partitions a gateway is assigned" and "the cameras it runs"
 * are the same thing. Pure.
 */
export function partitionOf(cameraId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < cameraId.length; i++) {
    hash ^= cameraId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * Keys of start-up markers: each gateway writes `<prefix><instance>` = its run id to every partition
 * of the state topics and is caught up once it has read all of them back. Readers skip these keys.
 */
export const SYNC_PREFIX = '__vigil.sync.';
