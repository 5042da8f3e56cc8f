import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packVector, recordOf, snapshotRetention, unpackVector } from '../../../src/history';
import { SyntheticEvents } from '../../helpers/history-data';

function unit(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    v[i] = x / 2 ** 31 - 0.5;
  }
  const norm = Math.hypot(...v);
  return v.map((a) => a / norm);
}

describe('history records', () => {
  it('takes camera, time, identity, track and every snapshot an event references', () => {
    const data = new SyntheticEvents({ cameras: ['gate'], identities: [{ id: 'i1', name: 'Ada' }], start: Date.UTC(2026, 1, 1), stepMs: 1000 });
    const face = '3b1e0a00-0000-4000-8000-000000000001';
    const frame = '3b1e0a00-0000-4000-8000-000000000002';
    const { event } = data.event(0, { type: 'vigil.face.recognized', snapshots: { face: `/v1/snapshots/${face}`, frame: `/v1/snapshots/${frame}` } });
    const record = recordOf(event);
    assert.deepEqual({ ...record, snapshotIds: [...record.snapshotIds] }, { eventId: event.id, type: 'vigil.face.recognized', camera: 'gate', time: Date.UTC(2026, 1, 1), identityId: 'i1', identityName: 'Ada', trackId: 'trk-0', run: 'run-test', sequence: 1, snapshotIds: [face, frame] });
    const ended = recordOf(data.event(1, { type: 'vigil.face.track.ended', identity: null, snapshots: { face: `/v1/snapshots/${face}`, frame: 'elsewhere' } }).event);
    assert.deepEqual(ended.snapshotIds, [face], 'track.ended keeps its best view\'s snapshots; anything not a snapshot URL is ignored');
    assert.equal(ended.identityId, null);
  });

  it('stores an embedding in 516 bytes within 0.002 of its float32 cosine', () => {
    for (let seed = 1; seed < 30; seed++) {
      const a = unit(512, seed);
      const b = unit(512, seed + 1000).map((x, i) => x * 0.4 + (a[i] as number) * 0.9);
      const norm = Math.hypot(...b);
      const bn = b.map((x) => x / norm);
      const exact = a.reduce((s, x, i) => s + x * (bn[i] as number), 0);
      const pa = packVector(a);
      assert.equal(pa.length, 516);
      const ua = unpackVector(pa);
      const ub = unpackVector(packVector(bn));
      const stored = ua.reduce((s, x, i) => s + x * (ub[i] as number), 0);
      assert.ok(Math.abs(stored - exact) < 0.002, `${stored} vs ${exact}`);
    }
  });
});

describe('snapshot retention with and without history', () => {
  type Bounds = { maxFiles: number | null; maxBytes: number | null; maxAgeMs: number | null };
  const GiB = 1024 ** 3;
  const cases: [string, { maxFiles?: number; maxBytes?: number }, { enabled: boolean; maxAgeDays: number }, Bounds][] = [
    ['no history: 10,000 files and 1 GiB', {}, { enabled: false, maxAgeDays: 30 }, { maxFiles: 10_000, maxBytes: GiB, maxAgeMs: null }],
    ['no history, a count set', { maxFiles: 500 }, { enabled: false, maxAgeDays: 30 }, { maxFiles: 500, maxBytes: GiB, maxAgeMs: null }],
    ['no history, bytes set', { maxBytes: 2 ** 20 }, { enabled: false, maxAgeDays: 30 }, { maxFiles: 10_000, maxBytes: 2 ** 20, maxAgeMs: null }],
    ['history: its age, no count, no byte cap (its size bound counts the snapshots)', {}, { enabled: true, maxAgeDays: 30 }, { maxFiles: null, maxBytes: null, maxAgeMs: 30 * 86_400_000 }],
    ['history with a count and bytes set: all three', { maxFiles: 500, maxBytes: 2 ** 20 }, { enabled: true, maxAgeDays: 2 }, { maxFiles: 500, maxBytes: 2 ** 20, maxAgeMs: 2 * 86_400_000 }],
  ];
  for (const [name, snapshots, history, want] of cases) it(name, () => assert.deepEqual(snapshotRetention(snapshots, history), want));
});
