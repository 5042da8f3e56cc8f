import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { EventBus, cameraStatusEvent, eventSource, faceRecognizedEvent, faceUnknownEvent, type CloudEvent } from '../../src/events';
import { MqttSink, type MqttSinkOptions } from '../../src/mqtt';
import { publishFace } from '../helpers/event-clients';
import { discoveryProblems, validTimestampState } from '../helpers/home-assistant';
import { Mosquitto, MqttSubscriber, type ReceivedMessage } from '../helpers/mosquitto';
import { ProcessGroup } from '../helpers/processes';
import { waitFor } from '../helpers/wait';

const SOURCE = eventSource('gw-test');
const CAMERAS = [
  { id: 'cam-a', name: 'Front gate', state: 'streaming' },
  { id: 'cam-b', name: null, state: 'backoff' },
];
const BASE = 'vigil/gw-test';

function sinkOptions(broker: Mosquitto, dataDir: string, overrides: Partial<MqttSinkOptions> = {}): MqttSinkOptions {
  const config = parseConfig({ mqtt: { url: broker.url, reconnectDelayMs: 50, reconnectDelayMaxMs: 500, connectTimeoutMs: 1000, keepaliveS: 5 } }, 'streams.yaml').mqtt;
  assert.ok(config);
  return { config, instanceId: 'gw-test', dataDir, version: '0.1.0', logger: pino({ level: 'silent' }), cameras: () => CAMERAS, ...overrides };
}

/** Each published event arrived (at least once), and each camera's first arrivals are in publish order. */
function assertAllInOrder(messages: readonly ReceivedMessage[], published: readonly CloudEvent[]): void {
  const events = messages.filter((m) => m.topic.includes('/events/')).map((m) => ({ topic: m.topic, qos: m.qos, event: JSON.parse(m.payload) as CloudEvent }));
  const seen = new Set<string>();
  const firsts = new Map<string, number[]>();
  for (const { topic, event, qos } of events) {
    assert.equal(topic, `${BASE}/cameras/${event.subject}/events/${event.type}`);
    assert.equal(qos, 1);
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    firsts.set(event.subject, [...(firsts.get(event.subject) ?? []), event.sequence]);
  }
  assert.deepEqual(published.filter((e) => !seen.has(e.id)).map((e) => e.sequence), [], 'nothing lost');
  for (const camera of new Set(published.map((e) => e.subject))) {
    const expected = published.filter((e) => e.subject === camera).map((e) => e.sequence);
    assert.deepEqual(firsts.get(camera)?.filter((s) => expected.includes(s)), expected, `${camera} in order`);
  }
}

describe('MQTT sink (Debian mosquitto, mosquitto_sub as an independent subscriber)', () => {
  const group = new ProcessGroup();
  let broker: Mosquitto;
  let subscriber: MqttSubscriber;
  const sinks: MqttSink[] = [];
  before(async () => {
    broker = await Mosquitto.start(group);
    // Durable: the session and what is queued for it survive a broker restart.
    subscriber = MqttSubscriber.start(group, broker, ['vigil/#', 'homeassistant/#'], { id: 'vigil-test-durable', durable: true });
    await waitFor(() => {
      broker.publish('vigil/probe', 'ready?');
      return subscriber.on('vigil/probe').length > 0;
    }, { timeoutMs: 10_000, intervalMs: 300, what: 'the subscriber to be subscribed' });
  });
  after(async () => {
    for (const sink of sinks) sink.destroy();
    await group.killAll();
  });

  it('publishes events per camera and type with QoS 1, availability, and Home Assistant discovery that validates', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-mqtt-'));
    const sink = new MqttSink(sinkOptions(broker, dataDir));
    sinks.push(sink);
    const bus = new EventBus();
    bus.addSink(sink);
    await sink.start();
    await waitFor(() => sink.state === 'connected', { timeoutMs: 10_000, what: 'the sink to connect' });
    const published = [
      bus.publish(cameraStatusEvent(SOURCE, Date.now(), { camera: 'cam-a', state: 'streaming', previousState: 'starting', reason: null, lastError: null, mode: 'full', idle: false, attempt: 0 })),
      bus.publish(faceRecognizedEvent(SOURCE, Date.now(), { camera: 'cam-a', trackId: 't-1', similarity: 0.58, firstSeen: new Date().toISOString(), identity: { id: 'i-1', name: 'Ada Lovelace', externalId: null }, box: { x: 1, y: 2, width: 30, height: 40 }, quality: null, liveness: null, snapshots: null } as never)),
      bus.publish(faceUnknownEvent(SOURCE, Date.now(), { camera: 'cam-b', trackId: 't-2', similarity: 0.1, firstSeen: new Date().toISOString(), box: { x: 1, y: 2, width: 30, height: 40 }, quality: null, liveness: null, snapshots: null } as never)),
      publishFace(bus, 'cam-c'),
    ];
    await waitFor(() => subscriber.messages.filter((m) => m.topic.includes('/events/')).length >= published.length && sink.queued === 0, { timeoutMs: 10_000, what: 'the events' });
    assertAllInOrder(subscriber.messages, published);
    for (const e of published) assert.ok(subscriber.messages.some((m) => m.payload === JSON.stringify(e)), 'the payload is the event JSON');

    // A fresh subscriber sees what Home Assistant would find on (re)start: the retained state.
    const ha = MqttSubscriber.start(group, broker, ['homeassistant/#', `${BASE}/availability`, `${BASE}/cameras/+/availability`, `${BASE}/cameras/+/last_recognized`, `${BASE}/cameras/+/last_unknown`]);
    await waitFor(() => ha.messages.filter((m) => m.topic.startsWith('homeassistant/')).length >= 6, { timeoutMs: 10_000, what: 'retained discovery configs for three cameras' });
    await waitFor(() => ha.on(`${BASE}/cameras/cam-b/last_unknown`).length > 0, { timeoutMs: 10_000, what: 'retained sensor states' });
    assert.ok(ha.messages.every((m) => m.retain), 'all retained');
    const configs = ha.messages.filter((m) => m.topic.startsWith('homeassistant/'));
    const devices = new Map<string, string[]>();
    for (const m of configs) {
      assert.deepEqual(discoveryProblems(m.topic, m.payload), [], m.topic);
      const p = JSON.parse(m.payload) as { device: { identifiers: string[]; name: string }; name: string; availability: { topic: string }[] };
      devices.set(p.device.name, [...(devices.get(p.device.name) ?? []), p.name]);
      // Every availability topic it names holds a retained value.
      for (const a of p.availability) assert.ok(ha.on(a.topic).length > 0, `retained availability on ${a.topic}`);
    }
    assert.deepEqual([...devices.entries()].sort(), [['Front gate', ['Last recognised person', 'Last unknown face']], ['cam-b', ['Last recognised person', 'Last unknown face']], ['cam-c', ['Last recognised person', 'Last unknown face']]].sort());
    assert.equal(ha.on(`${BASE}/availability`).at(-1)?.payload, 'online');
    assert.equal(ha.on(`${BASE}/cameras/cam-a/availability`).at(-1)?.payload, 'online');
    assert.equal(ha.on(`${BASE}/cameras/cam-b/availability`).at(-1)?.payload, 'offline');
    assert.equal((JSON.parse(ha.on(`${BASE}/cameras/cam-a/last_recognized`)[0]?.payload ?? '{}') as { name: string }).name, 'Ada Lovelace');
    assert.ok(validTimestampState((JSON.parse(ha.on(`${BASE}/cameras/cam-b/last_unknown`)[0]?.payload ?? '{}') as { time: string }).time), 'a timestamp sensor state');
    await ha.stop();

    // Home Assistant restarted: it says so, and gets the discovery configs again.
    const before = subscriber.messages.filter((m) => m.topic.startsWith('homeassistant/sensor/')).length;
    broker.publish('homeassistant/status', 'online');
    await waitFor(() => subscriber.messages.filter((m) => m.topic.startsWith('homeassistant/sensor/')).length >= before + 6, { timeoutMs: 10_000, what: 'discovery sent again after the birth message' });

    // The process dies without a clean disconnect: the broker publishes the last will.
    const onlineCount = subscriber.on(`${BASE}/availability`).length;
    sink.destroy();
    await waitFor(() => subscriber.on(`${BASE}/availability`).length > onlineCount && subscriber.on(`${BASE}/availability`).at(-1)?.payload === 'offline', { timeoutMs: 15_000, what: 'the last will: offline' });
  });

  it('loses nothing while mosquitto is stopped and restarted: events wait in the journal and go out in order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-mqtt-'));
    const failures: number[] = [];
    const sink = new MqttSink(sinkOptions(broker, dataDir, { onConnectFailed: () => failures.push(Date.now()) }));
    sinks.push(sink);
    const bus = new EventBus();
    bus.addSink(sink);
    await sink.start();
    await waitFor(() => sink.state === 'connected', { timeoutMs: 10_000, what: 'the sink to connect' });
    const published: CloudEvent[] = [];
    for (let i = 0; i < 30; i++) published.push(publishFace(bus, `cam-${i % 3}`));

    await broker.stop();
    for (let i = 0; i < 90; i++) published.push(publishFace(bus, `cam-${i % 3}`));
    await waitFor(() => failures.length >= 2, { timeoutMs: 10_000, what: 'reconnect attempts to fail while the broker is down' });
    assert.ok(sink.queued > 0, 'events wait in the journal');
    assert.equal(sink.state, 'retrying');

    await broker.start();
    await waitFor(() => sink.queued === 0 && sink.state === 'connected', { timeoutMs: 20_000, what: 'the journal to drain after the restart' });
    for (let i = 0; i < 6; i++) published.push(publishFace(bus, `cam-${i % 3}`));
    const ids = new Set(published.map((e) => e.id));
    await waitFor(() => new Set(subscriber.messages.filter((m) => m.topic.includes('/events/')).map((m) => (JSON.parse(m.payload) as CloudEvent).id).filter((id) => ids.has(id))).size === ids.size, { timeoutMs: 20_000, what: 'every event at the durable subscriber' });
    assertAllInOrder(subscriber.messages.filter((m) => m.topic.includes('/events/') && ids.has((JSON.parse(m.payload) as CloudEvent).id)), published);

    // A clean stop says offline itself (no will on a clean disconnect).
    const count = subscriber.on(`${BASE}/availability`).length;
    await sink.close(2000);
    await waitFor(() => subscriber.on(`${BASE}/availability`).length > count && subscriber.on(`${BASE}/availability`).at(-1)?.payload === 'offline', { timeoutMs: 10_000, what: 'offline on a clean stop' });
  });
});
