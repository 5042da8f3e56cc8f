import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outcomeDraft, statusDraft } from '../../../src/cameras';
import { EVENT_TYPES, EventBus, eventSource, faceDetectedEvent, withTraceparent, type CloudEvent } from '../../../src/events';
import { idOnlyTracer, traceparent } from '../../../src/observability';
import { eventValidator, schemaErrors } from '../../helpers/event-schema';
import { ROOT } from '../../helpers/paths';

const validate = eventValidator();
const source = eventSource('gw-1');
const faces = { camera: 'gate-1', frameSeq: 7, frame: { width: 640, height: 360 }, faces: [{ box: { x: 1, y: 2, width: 30, height: 40 }, score: 0.98 }] };

const view = { box: { x: 10, y: 20, width: 60, height: 80 }, quality: { score: 0.7, sharpness: 120, brightness: 0.5, faceSize: 80, frontalness: 0.9 }, liveness: 0.93, snapshots: { face: '/v1/snapshots/a', frame: '/v1/snapshots/b' } };
const ada = { id: 'p-1', name: 'Ada', externalId: null, metadata: null };
const base = { camera: 'gate-1', trackId: 't-1', firstSeen: 1000, decidedAt: 1500, trace: null, best: view };

/** One event of each type, built by the code that builds them in the gateway (the camera stage's translation). */
function published(): CloudEvent[] {
  const out: CloudEvent[] = [];
  const bus = new EventBus();
  bus.addSink({ name: 'capture', publish: ({ event, json }) => out.push(JSON.parse(json) as CloudEvent) && assert.equal(event.id, out.at(-1)?.id) });
  // Events made from a frame carry its trace (CloudEvents distributed tracing extension).
  bus.publish(withTraceparent(faceDetectedEvent(source, Date.now(), faces), traceparent(idOnlyTracer.frame('gate-1', 7, Date.now()).ids)));
  bus.publish(statusDraft(source, { camera: 'gate-1', state: 'streaming', previousState: 'starting', reason: 'receiving frames', lastError: null, mode: 'full', idle: false, attempt: 0, at: Date.now() }));
  bus.publish(outcomeDraft(source, { kind: 'recognized', identity: ada, similarity: 0.61, ...base }));
  bus.publish(outcomeDraft(source, { kind: 'unknown', similarity: 0.12, ...base, camera: 'gate-2' }));
  bus.publish(outcomeDraft(source, { kind: 'ended', camera: 'gate-2', trackId: 't-1', firstSeen: 1000, lastSeen: 3000, frames: 40, embeddings: 3, identity: null, best: view, trace: null }));
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
    ['traceparent not W3C', (e) => (e.traceparent = '00-abc-def-01')],
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

  const [, status, recognized, , ended] = published();
  const brokenData: [string, CloudEvent | undefined, (data: Record<string, unknown>) => void][] = [
    ['a status without its state', status, (d) => delete d.state],
    ['a recognized face without its identity', recognized, (d) => delete d.identity],
    ['a recognized face with a similarity above 1', recognized, (d) => (d.similarity = 1.2)],
    ['a face without its quality', recognized, (d) => delete d.quality],
    ['a track end without its duration', ended, (d) => delete d.durationMs],
    ['an unknown data field', ended, (d) => (d.colour = 'red')],
  ];
  for (const [name, event, mutate] of brokenData) {
    it(`refuses ${name}`, () => {
      const copy = JSON.parse(JSON.stringify(event)) as { data: Record<string, unknown> };
      mutate(copy.data);
      assert.notEqual(schemaErrors(validate, copy), null);
    });
  }
});
