import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { startKafkaMock, readTopic } from '../helpers/kafka-mock';
import { startGateway } from '../helpers/gateway';
import { subscribe } from '../helpers/event-clients';
import { eventValidator, schemaErrors } from '../helpers/event-schema';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';

const TOPIC = 'vigil.e2e-journal';
const TOKEN = 'e2e-viewer-token-0123456789';

/**
 * The real gateway with the demo clip as two file cameras. Run 1 has no reachable Kafka: its
 * events go to the journal under VIGIL_DATA_DIR. Run 2, same data directory, with the mock
 * cluster up: the journal is delivered, and the new run's events follow.
 */
describe('gateway restarted with a non-empty Kafka journal', () => {
  const group = new ProcessGroup();
  after(async () => group.killAll());

  it('delivers the previous run\'s journal to Kafka, and serves valid, sequenced, filtered events over an authenticated WebSocket', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-journal-'));
    const config = {
      gateway: { allowLocalFiles: true, instanceId: 'gw-e2e' },
      kafka: { idempotent: false, requestTimeoutMs: 1000, connectionTimeoutMs: 500, retries: 0 },
      cameras: [
        { id: 'left', url: `file:${CLIP}`, fps: 5 },
        { id: 'right', url: `file:${CLIP}`, fps: 5 },
      ],
    };
    const env = { VIGIL_DATA_DIR: dataDir, VIGIL_KAFKA_TOPIC: TOPIC, VIGIL_TOKENS: `viewer:${TOKEN}` };
    const first = await startGateway(group, config, { ...env, KAFKA_BROKERS: `127.0.0.1:${await freePort()}` });
    await assert.rejects(subscribe(first.wsUrl), /HTTP 401/, 'no token, no events');
    const client = await subscribe(`${first.wsUrl}?camera=left&token=${TOKEN}`);
    await waitFor(() => client.events.length >= 8, { timeoutMs: 90_000, what: 'eight events from camera left' });
    client.socket.close();
    const validate = eventValidator();
    for (const event of client.events) {
      assert.equal(schemaErrors(validate, event), null);
      assert.equal(event.subject, 'left', 'the camera filter holds');
      assert.equal(event.source, 'urn:vigil:gateway:gw-e2e');
    }
    const seqs = client.events.map((e) => e.sequence);
    assert.ok(seqs.every((s, i) => i === 0 || s > (seqs[i - 1] ?? 0)), 'sequences increase');
    assert.ok(!first.logs.some((l) => JSON.stringify(l).includes(TOKEN)), 'the token never reaches the log');

    signalGroup(first.process, 'SIGTERM');
    assert.equal(await exited(first.process, 20_000), 0);
    const journalDir = join(dataDir, 'kafka-journal', TOPIC);
    const journalBytes = readdirSync(journalDir).filter((f) => f.endsWith('.seg')).reduce((a, f) => a + statSync(join(journalDir, f)).size, 0);
    assert.ok(journalBytes > 0, 'run 1 left its events in the journal');

    const kafka = await startKafkaMock(group, TOPIC);
    const second = await startGateway(group, config, { ...env, KAFKA_BROKERS: kafka.bootstrap });
    const wanted = new Set(client.events.map((e) => e.id));
    await waitFor(
      async () => {
        const values = (await readTopic(kafka.bootstrap, TOPIC)).map((r) => JSON.parse(r.value) as { id: string; vigilrun: string });
        const ids = new Set(values.map((v) => v.id));
        return [...wanted].every((id) => ids.has(id)) && values.some((v) => v.vigilrun !== client.events[0]?.vigilrun);
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'run 1\'s events and then run 2\'s on Kafka' },
    );
    const metrics = await (await fetch(`${second.baseUrl}/metrics`)).text();
    assert.match(metrics, /^vigil_kafka_delivered_total [1-9]/m);
    assert.match(metrics, /^vigil_kafka_journal_bytes \d/m);
    signalGroup(second.process, 'SIGTERM');
    assert.equal(await exited(second.process, 20_000), 0);
  });
});
