import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { publishFace } from '../helpers/event-clients';
import { startKafkaMock, type KafkaMock } from '../helpers/kafka-mock';
import { ProcessGroup } from '../helpers/processes';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { waitFor } from '../helpers/wait';

const TOPIC = 'vigil.readiness';

interface Ready {
  status: string;
  components: { kafka: { ready: boolean; degraded?: boolean; state?: string; queued?: number; journalFull?: boolean } };
}

/**
 * /readyz while Kafka is frozen (SIGSTOP of librdkafka's mock cluster): the journal rides the
 * outage out, so the gateway stays ready with Kafka `degraded`; it is not ready only once the
 * journal is full and events are being refused, and ready again when the broker is back.
 */
describe('readiness during a broker freeze (real App, librdkafka mock cluster)', () => {
  const group = new ProcessGroup();
  let kafka: KafkaMock;
  let t: TestApp;

  before(async () => {
    kafka = await startKafkaMock(group, TOPIC);
    t = await startTestApp(
      {
        api: { watchConfig: false },
        // A small journal, so filling it is quick; short timeouts, so a frozen broker is noticed in about a second.
        kafka: { idempotent: false, requestTimeoutMs: 1000, connectionTimeoutMs: 1000, retries: 1, journal: { maxBytes: 64 * 1024, segmentBytes: 16 * 1024, fsyncIntervalMs: 50, whenFull: 'rejectNew' } },
        cameras: [],
      },
      { env: { KAFKA_BROKERS: kafka.bootstrap, VIGIL_KAFKA_TOPIC: TOPIC } },
    );
  });
  after(async () => {
    kafka?.process.kill('SIGCONT');
    await t?.stop();
    await group.killAll();
  });

  const readyz = async (): Promise<{ code: number; body: Ready }> => {
    const res = await t.request({ method: 'GET', url: '/readyz', as: null });
    return { code: res.statusCode, body: res.json() as Ready };
  };

  it('stays ready with Kafka degraded while the journal has room, is not ready once it is full, and recovers', async () => {
    const kafkaSink = t.app.kafka;
    assert.ok(kafkaSink);
    await waitFor(async () => (await readyz()).body.components.kafka.state === 'ready', { timeoutMs: 30_000, what: 'the producer connected' });
    assert.deepEqual(((r) => ({ code: r.code, ready: r.body.components.kafka.ready, degraded: r.body.components.kafka.degraded }))(await readyz()), { code: 200, ready: true, degraded: false });

    kafka.process.kill('SIGSTOP');
    try {
      await waitFor(
        () => {
          publishFace(t.app.bus, 'cam-a');
          return kafkaSink.state === 'retrying';
        },
        { timeoutMs: 60_000, intervalMs: 200, what: 'the producer to give up on the frozen broker' },
      );
      const degraded = await readyz();
      assert.equal(degraded.code, 200, JSON.stringify(degraded.body));
      assert.equal(degraded.body.status, 'ready');
      assert.deepEqual(((k) => ({ ready: k.ready, degraded: k.degraded, journalFull: k.journalFull }))(degraded.body.components.kafka), { ready: true, degraded: true, journalFull: false });
      assert.ok((degraded.body.components.kafka.queued ?? 0) > 0, 'events wait in the journal');

      await waitFor(
        () => {
          for (let i = 0; i < 20; i++) publishFace(t.app.bus, 'cam-a', 500);
          return kafkaSink.journalFull;
        },
        { timeoutMs: 30_000, intervalMs: 50, what: 'the journal to fill' },
      );
      const full = await readyz();
      assert.equal(full.code, 503);
      assert.equal(full.body.status, 'not_ready');
      assert.deepEqual(((k) => ({ ready: k.ready, journalFull: k.journalFull }))(full.body.components.kafka), { ready: false, journalFull: true });
    } finally {
      kafka.process.kill('SIGCONT');
    }
    await waitFor(async () => {
      const r = await readyz();
      return r.code === 200 && r.body.components.kafka.degraded === false && r.body.components.kafka.queued === 0;
    }, { timeoutMs: 60_000, what: 'ready and not degraded once the broker is back and the journal drained' });
  });
});
