import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';
import pino from 'pino';
import { EventBus, KafkaSink, type CloudEvent, type KafkaSinkOptions } from '../../src/events';
import { publishFace } from '../helpers/event-clients';
import { readTopic, startKafkaMock, type KafkaMock } from '../helpers/kafka-mock';
import { freePort } from '../helpers/ports';
import { ProcessGroup } from '../helpers/processes';
import { waitFor } from '../helpers/wait';

const TOPIC = 'vigil.events-kafka';
const CAMERAS = ['cam-a', 'cam-b', 'cam-c'];

function sinkOptions(brokers: string[], dataDir: string, overrides: Partial<KafkaSinkOptions> = {}): KafkaSinkOptions {
  return {
    brokers,
    topic: TOPIC,
    clientId: 'vigil-test',
    // librdkafka's idempotent producer works against its own mock cluster (kafkajs's did not).
    idempotent: true,
    maxBatchEvents: 2000,
    lingerMs: 5,
    // Short timeouts so a frozen broker is noticed in about a second.
    requestTimeoutMs: 1000,
    connectionTimeoutMs: 1000,
    retries: 1,
    compression: 'gzip',
    dataDir,
    journal: { maxBytes: 64 * 1024 * 1024, segmentBytes: 256 * 1024, fsyncIntervalMs: 50, whenFull: 'rejectNew' },
    logger: pino({ level: 'silent' }),
    ...overrides,
  };
}

interface Delivered {
  readonly key: string;
  readonly event: CloudEvent;
}

async function topicEvents(kafka: KafkaMock): Promise<Delivered[]> {
  return (await readTopic(kafka.bootstrap, TOPIC)).map((r) => ({ key: r.key, event: JSON.parse(r.value) as CloudEvent }));
}

/** Every id arrived, and per camera the first arrival of each id is in publish order (duplicates allowed: at least once). */
function assertAllInOrder(delivered: Delivered[], published: CloudEvent[]): void {
  const seen = new Set<string>();
  const firstArrivals = new Map<string, number[]>();
  for (const { key, event } of delivered) {
    assert.equal(key, event.subject, 'key is the camera id');
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    firstArrivals.set(key, [...(firstArrivals.get(key) ?? []), event.sequence]);
  }
  const missing = published.filter((e) => !seen.has(e.id));
  assert.deepEqual(missing.map((e) => e.sequence), [], 'no published event is missing from Kafka');
  for (const camera of CAMERAS) {
    const expected = published.filter((e) => e.subject === camera).map((e) => e.sequence);
    assert.deepEqual(firstArrivals.get(camera)?.filter((s) => expected.includes(s)), expected, `${camera}'s events in order`);
  }
}

describe('Kafka delivery through the journal (librdkafka mock cluster)', () => {
  const group = new ProcessGroup();
  let kafka: KafkaMock;
  before(async () => {
    kafka = await startKafkaMock(group, TOPIC);
  });
  after(async () => {
    kafka.process.kill('SIGCONT');
    await group.killAll();
  });

  it('delivers every event while the broker is frozen past the producer timeouts, in order per camera', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-kafka-'));
    const failures: number[] = [];
    const sink = new KafkaSink(sinkOptions([kafka.bootstrap], dataDir, { onSendFailed: () => failures.push(Date.now()) }));
    const bus = new EventBus();
    bus.addSink(sink);
    await sink.start();
    const published: CloudEvent[] = [];
    const produce = (n: number): void => {
      for (let i = 0; i < n; i++) published.push(publishFace(bus, CAMERAS[published.length % CAMERAS.length]!));
    };
    try {
      produce(30);
      await waitFor(() => sink.queued === 0 && sink.state === 'ready', { timeoutMs: 30_000, what: 'the first events delivered' });

      kafka.process.kill('SIGSTOP');
      // Keep producing while frozen until the producer has given up on the broker at least twice.
      await waitFor(
        async () => {
          produce(5);
          return failures.length >= 2;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'produce requests to time out against the frozen broker' },
      );
      produce(20);
      const backlog = sink.queued;
      assert.ok(backlog >= 20, `events wait in the journal while the broker is frozen (${backlog})`);
      assert.ok(readdirSync(join(dataDir, 'kafka-journal', TOPIC)).some((f) => f.endsWith('.seg')));

      kafka.process.kill('SIGCONT');
      produce(10);
      await waitFor(() => sink.queued === 0, { timeoutMs: 60_000, what: 'the journal to drain after SIGCONT' });
      const delivered = await waitFor(
        async () => {
          const all = await topicEvents(kafka);
          const ids = new Set(all.map((d) => d.event.id));
          return published.every((e) => ids.has(e.id)) ? all : null;
        },
        { timeoutMs: 30_000, intervalMs: 500, what: 'every published id on the topic' },
      );
      assertAllInOrder(delivered, published);
    } finally {
      kafka.process.kill('SIGCONT');
      await sink.close(2000);
    }
  });

  it('after a restart, delivers what the journal held from the previous run before new events', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-kafka-restart-'));
    const deadBroker = `127.0.0.1:${await freePort()}`;
    const first = new KafkaSink(sinkOptions([deadBroker], dataDir));
    const busA = new EventBus();
    busA.addSink(first);
    await first.start();
    const published: CloudEvent[] = [];
    for (let i = 0; i < 40; i++) published.push(publishFace(busA, CAMERAS[i % 3]!));
    assert.equal(first.queued, 40);
    await first.close(500);

    const second = new KafkaSink(sinkOptions([kafka.bootstrap], dataDir));
    const busB = new EventBus();
    busB.addSink(second);
    await second.start();
    assert.equal(second.queued, 40, 'the journal kept the first run\'s events');
    for (let i = 0; i < 10; i++) published.push(publishFace(busB, CAMERAS[i % 3]!));
    try {
      await waitFor(() => second.queued === 0, { timeoutMs: 30_000, what: 'the journal to drain' });
      const delivered = (await topicEvents(kafka)).filter((d) => d.event.vigilrun === busA.run || d.event.vigilrun === busB.run);
      // Order holds per camera (one key, one partition); the topic has several partitions.
      for (const camera of CAMERAS) {
        const ids = delivered.filter((d) => d.key === camera).map((d) => d.event.id);
        const expected = published.filter((e) => e.subject === camera).map((e) => e.id);
        assert.deepEqual([...new Set(ids)], expected, `${camera}: the old run's events first, then the new run's, none missing`);
      }
    } finally {
      await second.close(2000);
    }
  });

  it('starts while no broker is reachable, stops at once, and delivers once a broker appears', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-kafka-late-'));
    const port = await freePort();
    const failures: number[] = [];
    const sink = new KafkaSink(sinkOptions([`127.0.0.1:${port}`], dataDir, { onSendFailed: () => failures.push(Date.now()) }));
    const bus = new EventBus();
    bus.addSink(sink);
    await sink.start();
    const published: CloudEvent[] = [];
    for (let i = 0; i < 10; i++) published.push(publishFace(bus, CAMERAS[i % 3]!));
    await waitFor(() => failures.length >= 2, { timeoutMs: 30_000, what: 'the sink to find no broker twice' });
    // Now a broker answers on that address (a TCP relay to the mock cluster's first broker).
    const [host, brokerPort] = (kafka.bootstrap.split(',')[0] as string).split(':') as [string, string];
    const relay = createServer((client) => {
      const upstream = connect(Number(brokerPort), host);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve));
    try {
      await waitFor(() => sink.queued === 0, { timeoutMs: 60_000, what: 'the journal delivered once the broker is there' });
      const ids = new Set((await topicEvents(kafka)).map((d) => d.event.id));
      assert.deepEqual(published.filter((e) => !ids.has(e.id)).map((e) => e.sequence), [], 'every event delivered');
    } finally {
      const started = Date.now();
      await sink.close(500);
      assert.ok(Date.now() - started < 5000, 'closing does not wait on the client library');
      relay.close();
    }
  });

  it('with the journal full and rejectNew, refuses new events loudly and loses none it accepted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-kafka-full-'));
    const deadBroker = `127.0.0.1:${await freePort()}`;
    const dropped: [string, number][] = [];
    const journal: boolean[] = [];
    const sink = new KafkaSink(
      sinkOptions([deadBroker], dataDir, {
        journal: { maxBytes: 64 * 1024, segmentBytes: 16 * 1024, fsyncIntervalMs: 50, whenFull: 'rejectNew' },
        onDropped: (reason, count) => dropped.push([reason, count]),
        onJournal: (_pending, _bytes, full) => journal.push(full),
      }),
    );
    const bus = new EventBus();
    bus.addSink(sink);
    await sink.start();
    for (let i = 0; i < 300; i++) publishFace(bus, 'cam-a', 200);
    const refused = dropped.filter(([r]) => r === 'journal_full').reduce((a, [, c]) => a + c, 0);
    assert.ok(refused > 0, 'some events were refused');
    assert.equal(sink.queued + refused, 300, 'every event is journaled or counted as refused');
    assert.equal(sink.journalFull, true);
    assert.equal(journal.at(-1), true, 'the full state is reported');
    await sink.close(200);
  });
});
