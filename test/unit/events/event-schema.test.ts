import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, EventBus, eventDraft, eventSource, faceDetectedEvent, type CloudEvent } from '../../../src/events';
import { eventValidator, schemaErrors } from '../../helpers/event-schema';
import { ROOT } from '../../helpers/paths';

const validate = eventValidator();
const source = eventSource('gw-1');
const faces = { camera: 'gate-1', frameSeq: 7, frame: { width: 640, height: 360 }, faces: [{ box: { x: 1, y: 2, width: 30, height: 40 }, score: 0.98 }] };

function published(): CloudEvent[] {
  const out: CloudEvent[] = [];
  const bus = new EventBus();
  bus.addSink({ name: 'capture', publish: ({ event, json }) => out.push(JSON.parse(json) as CloudEvent) && assert.equal(event.id, out.at(-1)?.id) });
  bus.publish(faceDetectedEvent(source, Date.now(), faces));
  bus.publish(eventDraft(source, 'vigil.camera.status', Date.now(), { camera: 'gate-1', state: 'streaming' }));
  bus.publish(eventDraft(source, 'vigil.face.recognized', Date.now(), { camera: 'gate-1', identity: { id: 'p-1', name: 'Ada' }, track: 3 }));
  bus.publish(eventDraft(source, 'vigil.face.unknown', Date.now(), { camera: 'gate-2', identity: null }));
  bus.publish(eventDraft(source, 'vigil.face.track.ended', Date.now(), { camera: 'gate-2', track: 3 }));
  return out;
}

describe('event schema (schemas/cloudevent-v1.json)', () => {
  it('lists exactly the event types the code can publish', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'cloudevent-v1.json'), 'utf8')) as { properties: { type: { enum: string[] } } };
    assert.deepEqual(schema.properties.type.enum, [...EVENT_TYPES]);
  });

  it('accepts every type as the bus publishes it, with sequence 1, 2, 3... and one run id', () => {
    const events = published();
    assert.equal(events.length, 5);
    for (const event of events) assert.equal(schemaErrors(validate, event), null, `${event.type} is valid`);
    assert.deepEqual(events.map((e) => e.sequence), [1, 2, 3, 4, 5]);
    assert.equal(new Set(events.map((e) => e.vigilrun)).size, 1);
  });

  it('gives each bus (gateway run) its own run id, sequences starting at 1', () => {
    const a = new EventBus();
    const b = new EventBus();
    assert.notEqual(a.run, b.run);
    assert.equal(b.publish(faceDetectedEvent(source, 0, faces)).sequence, 1);
  });

  const [face] = published();
  const broken: [string, (e: Record<string, unknown>) => void][] = [
    ['no sequence', (e) => delete e.sequence],
    ['sequence 0', (e) => (e.sequence = 0)],
    ['sequence as a string', (e) => (e.sequence = '3')],
    ['no vigilrun', (e) => delete e.vigilrun],
    ['unknown type', (e) => (e.type = 'vigil.face.seen')],
    ['wrong specversion', (e) => (e.specversion = '0.3')],
    ['time not RFC 3339', (e) => (e.time = 'yesterday')],
    ['unknown envelope attribute', (e) => (e.extra = 1)],
    ['id not a UUID', (e) => (e.id = 'abc')],
    ['face score above 1', (e) => ((e.data as typeof faces).faces[0]!.score = 1.5)],
    ['no faces', (e) => ((e.data as { faces: unknown[] }).faces = [])],
    ['data without camera', (e) => delete (e.data as { camera?: string }).camera],
    ['extra data field on face.detected', (e) => ((e.data as Record<string, unknown>).x = 1)],
  ];
  for (const [name, mutate] of broken) {
    it(`refuses an event with ${name}`, () => {
      const copy = JSON.parse(JSON.stringify(face)) as Record<string, unknown>;
      mutate(copy);
      assert.notEqual(schemaErrors(validate, copy), null);
    });
  }
});
