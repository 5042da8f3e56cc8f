import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarise } from '../../../src/cli/events';

const event = (type: string, data: object) => JSON.stringify({ specversion: '1.0', type, time: '2026-11-21T09:00:00.000Z', subject: 'gate', data });

describe('vigil events summary lines', () => {
  const table: Array<[string, string]> = [
    [event('vigil.face.detected', { faces: [{ score: 0.99, box: { x: 0, y: 0, width: 80, height: 100 } }] }), '2026-11-21T09:00:00.000Z  gate  vigil.face.detected  1 face(s) 80x100@0.99'],
    [event('vigil.face.recognized', { identity: { name: 'Ada' }, similarity: 0.61 }), '2026-11-21T09:00:00.000Z  gate  vigil.face.recognized  Ada (similarity 0.61)'],
    [event('vigil.face.unknown', { similarity: 0.12 }), '2026-11-21T09:00:00.000Z  gate  vigil.face.unknown  unknown face (best similarity 0.12)'],
    [event('vigil.face.track.ended', { identity: null, durationMs: 4321 }), '2026-11-21T09:00:00.000Z  gate  vigil.face.track.ended  unknown, 4.3 s'],
    [event('vigil.camera.status', { state: 'backoff' }), '2026-11-21T09:00:00.000Z  gate  vigil.camera.status  backoff'],
    [JSON.stringify({ kind: 'notice', code: 'slow_consumer' }), '-- notice slow_consumer'],
    [JSON.stringify({ kind: 'gap', reason: 'history_exhausted', from: 1, to: 9 }), '-- gap history_exhausted'],
    ['not json', 'not json'],
  ];
  for (const [message, line] of table) {
    it(line, () => assert.equal(summarise(message), line));
  }
});
