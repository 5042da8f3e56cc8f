import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, buildFilter, eventDraft, filterFromQuery, matches, type CloudEvent, type EventFilter } from '../../../src/events';

const bus = new EventBus();
const detected = bus.publish(eventDraft('s', 'vigil.face.detected', 0, { camera: 'gate-1', faces: [] }));
const recognized = bus.publish(eventDraft('s', 'vigil.face.recognized', 0, { camera: 'lobby', identity: { id: 'p-7', name: 'Ada Lovelace' } }));
const unknown = bus.publish(eventDraft('s', 'vigil.face.unknown', 0, { camera: 'lobby', identity: null }));
const status = bus.publish(eventDraft('s', 'vigil.camera.status', 0, { camera: 'gate-1', state: 'failed' }));
const all = [detected, recognized, unknown, status];

function filter(query: string): EventFilter {
  const result = filterFromQuery(new URLSearchParams(query));
  assert.ok(result.ok, `"${query}" parses`);
  return result.filter;
}

function kept(query: string): CloudEvent[] {
  const f = filter(query);
  return all.filter((e) => matches(f, e));
}

describe('event filters', () => {
  const table: [string, CloudEvent[]][] = [
    ['', all],
    ['camera=gate-1', [detected, status]],
    ['camera=gate-1,lobby', all],
    ['camera=gate-1&camera=lobby', all],
    ['camera=nowhere', []],
    ['type=vigil.face.recognized', [recognized]],
    ['type=vigil.face.*', [detected, recognized, unknown]],
    ['type=vigil.camera.status&camera=lobby', []],
    ['identity=p-7', [recognized]],
    ['identity=Ada%20Lovelace', [recognized]],
    ['identity=Ada', []],
    ['identity=p-7&type=vigil.face.detected', []],
    ['camera=,,', all],
  ];
  for (const [query, expected] of table) {
    it(`?${query} keeps ${expected.map((e) => e.type).join(', ') || 'nothing'}`, () => {
      assert.deepEqual(kept(query).map((e) => e.sequence), expected.map((e) => e.sequence));
    });
  }

  const refused: [string, string][] = [
    ['type=vigil.face.seen', 'unknown event type'],
    ['camera=a%20b', 'not a valid value'],
    [`camera=${Array.from({ length: 300 }, (_, i) => `c${i}`).join(',')}`, 'at most 256'],
  ];
  for (const [query, message] of refused) {
    it(`refuses ?${query.slice(0, 40)} (${message})`, () => {
      const result = filterFromQuery(new URLSearchParams(query));
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.error, new RegExp(message.replace(/[.*]/g, '\\$&')));
    });
  }

  it('builds the same filter from a subscribe message, refusing non-string values', () => {
    const fromMessage = buildFilter({ camera: ['gate-1'], type: ['vigil.face.detected', 'vigil.camera.status'] });
    assert.ok(fromMessage.ok);
    assert.deepEqual(all.filter((e) => matches(fromMessage.filter, e)), [detected, status]);
    assert.equal(buildFilter({ camera: [42] }).ok, false);
  });
});
