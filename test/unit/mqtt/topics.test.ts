import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventDraft, eventSource, type CloudEvent } from '../../../src/events';
import { discoveryId, discoveryMessages, publishesFor, type TopicLayout } from '../../../src/mqtt';
import { discoveryProblems } from '../../helpers/home-assistant';

const L: TopicLayout = { prefix: 'vigil', instance: 'gw-1', discoveryPrefix: 'homeassistant' };

function event(type: CloudEvent['type'], data: Record<string, unknown>): { event: CloudEvent; json: string } {
  const e: CloudEvent = { ...eventDraft(eventSource('gw-1'), type, Date.parse('2026-02-03T04:05:06Z'), { camera: 'gate-1', ...data }), sequence: 1, vigilrun: 'r' };
  return { event: e, json: JSON.stringify(e) };
}

describe('MQTT topics', () => {
  it('publishes each event on its camera and type topic, plus the retained state its sensor reads', () => {
    const table: [CloudEvent['type'], Record<string, unknown>, [string, boolean][]][] = [
      ['vigil.face.detected', { faces: [] }, [['vigil/gw-1/cameras/gate-1/events/vigil.face.detected', false]]],
      ['vigil.camera.status', { state: 'streaming' }, [['vigil/gw-1/cameras/gate-1/events/vigil.camera.status', false], ['vigil/gw-1/cameras/gate-1/availability', true]]],
      ['vigil.face.recognized', { trackId: 't', identity: { id: 'i', name: 'Ada' }, similarity: 0.6 }, [['vigil/gw-1/cameras/gate-1/events/vigil.face.recognized', false], ['vigil/gw-1/cameras/gate-1/last_recognized', true]]],
      ['vigil.face.unknown', { trackId: 't' }, [['vigil/gw-1/cameras/gate-1/events/vigil.face.unknown', false], ['vigil/gw-1/cameras/gate-1/last_unknown', true]]],
      ['vigil.face.track.ended', { trackId: 't' }, [['vigil/gw-1/cameras/gate-1/events/vigil.face.track.ended', false]]],
    ];
    for (const [type, data, expected] of table) {
      const { event: e, json } = event(type, data);
      const out = publishesFor(L, e, json);
      assert.deepEqual(out.map((p) => [p.topic, p.retain]), expected, type);
      assert.equal(out[0]?.payload, json, 'the event itself, as the bus serialised it');
    }
  });

  it('maps camera states to availability and faces to sensor states', () => {
    for (const [state, payload] of [['streaming', 'online'], ['starting', 'offline'], ['stalled', 'offline'], ['backoff', 'offline'], ['stopped', 'offline'], ['failed', 'offline']]) {
      const { event: e, json } = event('vigil.camera.status', { state });
      assert.equal(publishesFor(L, e, json)[1]?.payload, payload, state);
    }
    const { event: r, json } = event('vigil.face.recognized', { trackId: 't-1', identity: { id: 'i-1', name: 'Ada', externalId: 'E1' }, similarity: 0.61, snapshots: { face: '/v1/snapshots/f' } });
    assert.deepEqual(JSON.parse(publishesFor(L, r, json)[1]?.payload ?? ''), { name: 'Ada', identityId: 'i-1', externalId: 'E1', similarity: 0.61, trackId: 't-1', time: r.time, eventId: r.id, snapshot: '/v1/snapshots/f' });
  });

  it('builds discovery ids of [a-zA-Z0-9_-] only, keeping distinct cameras distinct', () => {
    assert.equal(discoveryId('vigil', 'gw-1', 'gate-1'), 'vigil_gw-1_gate-1');
    const dotted = discoveryId('vigil', 'gw.1', 'a.b');
    assert.match(dotted, /^[a-zA-Z0-9_-]+$/);
    assert.notEqual(dotted, discoveryId('vigil', 'gw.1', 'a_b'));
  });

  it('announces each camera as a device with two sensors Home Assistant accepts', () => {
    for (const camera of [{ id: 'gate-1', name: 'Front gate' }, { id: 'cam.2', name: null }]) {
      const messages = discoveryMessages(L, camera, '0.1.0');
      assert.equal(messages.length, 2);
      for (const m of messages) {
        assert.deepEqual(discoveryProblems(m.topic, m.payload), [], m.topic);
        assert.equal(m.retain, true);
        const p = JSON.parse(m.payload) as { device: { identifiers: string[]; name: string }; unique_id: string };
        assert.equal(p.device.name, camera.name ?? camera.id);
        assert.equal(m.topic, `homeassistant/sensor/${p.unique_id}/config`);
      }
      const ids = messages.map((m) => (JSON.parse(m.payload) as { device: { identifiers: string[] } }).device.identifiers[0]);
      assert.equal(ids[0], ids[1], 'both sensors belong to the one camera device');
    }
  });

  it('the validator itself refuses what Home Assistant refuses', () => {
    const good = discoveryMessages(L, { id: 'gate-1', name: null }, '0.1.0')[0]!;
    const payload = JSON.parse(good.payload) as Record<string, unknown>;
    const broken: [string, string, Record<string, unknown>][] = [
      ['bad topic', 'homeassistant/sensor/a.b/config', payload],
      ['no state topic', good.topic, { ...payload, state_topic: undefined }],
      ['wildcard state topic', good.topic, { ...payload, state_topic: 'vigil/#/x' }],
      ['device without ids', good.topic, { ...payload, device: { name: 'x' } }],
      ['availability without topic', good.topic, { ...payload, availability: [{ payload_available: 'online' }] }],
      ['bad availability mode', good.topic, { ...payload, availability_mode: 'some' }],
      ['origin without name', good.topic, { ...payload, origin: { sw_version: '1' } }],
      ['device without unique_id', good.topic, { ...payload, unique_id: undefined }],
    ];
    for (const [name, topic, p] of broken) assert.ok(discoveryProblems(topic, JSON.stringify(p)).length > 0, name);
  });
});
