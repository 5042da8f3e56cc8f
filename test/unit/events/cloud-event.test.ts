import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventSource, faceDetectedEvent } from '../../../src/events';

describe('vigil.face.detected event', () => {
  const capturedAt = Date.UTC(2026, 10, 21, 8, 30, 0, 123);
  const data = { camera: 'gate-1', frameSeq: 42, frame: { width: 640, height: 360 }, faces: [{ box: { x: 1, y: 2, width: 30, height: 40 }, score: 0.99 }] };
  const event = faceDetectedEvent(eventSource('gw-a'), capturedAt, data);

  it('has the CloudEvents 1.0 structured shape, with the capture time and the camera as subject', () => {
    assert.deepEqual(Object.keys(event).sort(), ['data', 'datacontenttype', 'id', 'source', 'specversion', 'subject', 'time', 'type']);
    assert.equal(event.specversion, '1.0');
    assert.equal(event.type, 'vigil.face.detected');
    assert.equal(event.source, 'urn:vigil:gateway:gw-a');
    assert.equal(event.subject, 'gate-1');
    assert.equal(event.time, '2026-11-21T08:30:00.123Z');
    assert.equal(event.datacontenttype, 'application/json');
    assert.deepEqual(event.data, data);
    assert.match(event.id, /^[0-9a-f-]{36}$/);
  });

  it('gives every event its own id', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => faceDetectedEvent('s', capturedAt, data).id));
    assert.equal(ids.size, 1000);
  });

  it('survives a JSON round trip unchanged', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
  });
});
