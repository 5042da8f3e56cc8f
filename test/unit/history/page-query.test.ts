import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../../src/events';
import { decodeCursor, encodeCursor, mergeNewest, pageQueries, type HistoryFilter } from '../../../src/history';

const ANY: HistoryFilter = { cameras: null, types: null, identities: null, from: null, to: null };
const indexOf = (sql: string): string => /INDEXED BY (\w+)/.exec(sql)?.[1] ?? '';

describe('history page queries', () => {
  const cases: [string, HistoryFilter, string[]][] = [
    ['no filter walks the time index', ANY, ['events_by_time']],
    ['types walk the type index, one query per type', { ...ANY, types: ['vigil.face.unknown', 'vigil.camera.status'] }, ['events_by_type', 'events_by_type']],
    ['a camera pairs with every type', { ...ANY, cameras: ['a'] }, EVENT_TYPES.map(() => 'events_by_camera_type')],
    ['cameras and types pair up', { ...ANY, cameras: ['a', 'b'], types: ['vigil.face.unknown'] }, ['events_by_camera_type', 'events_by_camera_type']],
    ['an identity drives (as id and as name)', { ...ANY, identities: ['ada'], cameras: ['a'] }, ['events_by_identity', 'events_by_identity_name']],
    ['too many pairs fall back to the time index with the filter', { ...ANY, cameras: Array.from({ length: 20 }, (_, i) => `c${i}`) }, ['events_by_time']],
  ];
  for (const [name, filter, indexes] of cases) {
    it(name, () => assert.deepEqual(pageQueries(filter, null, 11, EVENT_TYPES).map((q) => indexOf(q.sql)), indexes));
  }

  it('starts after the cursor position and takes the requested rows', () => {
    const [q] = pageQueries({ ...ANY, from: 5, to: 9 }, { time: 8, id: 3 }, 11, EVENT_TYPES);
    assert.match(q?.sql ?? '', /time >= \? AND time < \? AND \(time, id\) < \(\?, \?\) ORDER BY time DESC, id DESC LIMIT \?/);
    assert.deepEqual(q?.params, [5, 9, 8, 3, 11]);
  });

  it('merges sub-queries newest first, without duplicates', () => {
    const merged = mergeNewest([[{ time: 9, id: 4 }, { time: 5, id: 2 }], [{ time: 9, id: 6 }, { time: 9, id: 4 }, { time: 1, id: 1 }]], 3);
    assert.deepEqual(merged, [{ time: 9, id: 6 }, { time: 9, id: 4 }, { time: 5, id: 2 }]);
  });

  it('round-trips a cursor, and refuses one it did not make', () => {
    const filter = { ...ANY, cameras: ['a'], from: 10 };
    assert.deepEqual(decodeCursor(encodeCursor(filter, { time: 7, id: 2 })), { filter, position: { time: 7, id: 2 } });
    for (const bad of ['', 'not base64 json', Buffer.from('{"v":2}').toString('base64url'), Buffer.from(JSON.stringify({ v: 1, f: { ...ANY, cameras: 'a' }, p: { time: 1, id: 1 } })).toString('base64url')]) {
      assert.throws(() => decodeCursor(bad), (e: { code?: string }) => e.code === 'VIGIL_ERR_BAD_REQUEST', bad);
    }
  });
});
