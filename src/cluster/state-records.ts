import type { InRecord } from '../kafka';
import type { CameraCatalog } from './camera-catalog';
import type { ClusterBindings } from './cluster-node';
import { asIdentity, asMember, asToken, asTrack, asView, decode, type MemberRecord, type ViewRecord } from './records';
import type { ClusterTopics } from './topics';

/** Where a state record goes: this gateway's stages (bindings) and the cluster's own maps. */
export interface StateTarget {
  readonly bindings: ClusterBindings;
  readonly catalog: CameraCatalog;
  readonly views: Map<string, ViewRecord>;
  readonly members: Map<string, MemberRecord>;
  /** Identities the topic holds (the local gallery keeps only these). */
  readonly identityKeys: Set<string>;
}

function embeddingOf(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const embedding = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(embedding.buffer).set(bytes);
  return embedding;
}

/**
 * Applies one record of a state topic: the last value per key wins, a tombstone (null value)
 * removes the key. Returns false for a record that cannot be read (skipped, nothing changed).
 */
export function applyStateRecord(topics: ClusterTopics, record: InRecord, target: StateTarget): boolean {
  const value = decode(record.value);
  if (value === undefined) return false;
  const { key } = record;
  switch (record.topic) {
    case topics.cameras:
      target.catalog.apply(key, value);
      return true;
    case topics.views: {
      const view = value && asView(value);
      if (view) target.views.set(key, view);
      else target.views.delete(key);
      return value === null || view !== null;
    }
    case topics.members: {
      const member = value && asMember(value);
      if (member) target.members.set(key, member);
      else target.members.delete(key);
      return value === null || member !== null;
    }
    case topics.identities: {
      const identity = value && asIdentity(value);
      if (value && !identity) return false;
      if (identity) target.identityKeys.add(key);
      else target.identityKeys.delete(key);
      target.bindings.applyIdentity(key, identity);
      return true;
    }
    case topics.tokens: {
      const token = value && asToken(value);
      if (value && !token) return false;
      target.bindings.applyToken(key, token);
      return true;
    }
    case topics.tracks: {
      const track = value && asTrack(value);
      if (track) target.bindings.applyTrack(key, track.camera, embeddingOf(track.embedding));
      return value === null || track !== null;
    }
    default:
      return true;
  }
}
