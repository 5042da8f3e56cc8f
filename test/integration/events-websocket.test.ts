import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CLOSE_SLOW_CONSUMER } from '../../src/events';
import { percentile, publishFace, startEventServer, subscribe, type EventServer, type Subscriber } from '../helpers/event-clients';
import { eventValidator, schemaErrors } from '../helpers/event-schema';
import { waitFor } from '../helpers/wait';

const TOKEN = 'viewer-token-0123456789';

/** Real ws clients against the real hub and HTTP server, in process, with events from the real builders. */
describe('WebSocket event delivery', () => {
  let server: EventServer;
  before(async () => {
    server = await startEventServer({ limits: { maxQueueMessages: 200, maxQueueBytes: 1024 * 1024, socketHighWaterBytes: 64 * 1024 }, historyEvents: 50, heartbeatMs: 60_000 });
  });
  after(async () => server.close());

  it('200 concurrent clients each get every event, in sequence order, valid against the schema', async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => subscribe(server.url)));
    const first = server.bus.sequence + 1;
    const published = [];
    for (let i = 0; i < 100; i++) {
      published.push(publishFace(server.bus, `cam-${i % 4}`).id);
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => clients.every((c) => c.events.length >= 100), { timeoutMs: 30_000, what: 'every client to receive 100 events' });
    const validate = eventValidator();
    for (const client of clients) {
      assert.deepEqual(client.events.map((e) => e.id), published);
      assert.deepEqual(client.events.map((e) => e.sequence), published.map((_, i) => first + i));
      assert.equal(client.controls.length, 0, 'no control messages unless asked for');
    }
    assert.equal(schemaErrors(validate, clients[0]?.events[0]), null);
    for (const client of clients) client.socket.close();
    await waitFor(() => server.hub.clientCount === 0, { timeoutMs: 10_000, what: 'clients to disconnect' });
  });

  it('a client that stops reading does not hold up the others and is dropped with close code 4008 after a notice', async () => {
    const fast = await Promise.all(Array.from({ length: 20 }, () => subscribe(server.url)));
    const slow = await subscribe(server.url);
    slow.socket.pause(); // stops reading: the server's unsent bytes for it grow
    const sentAt = new Map<number, number>();
    const pad = 16 * 1024;
    let fastCaughtUpWhileSlowLagged = false;
    for (let i = 0; server.disconnects.length === 0 && i < 5000; i++) {
      const event = publishFace(server.bus, 'cam-a', pad);
      sentAt.set(event.sequence, performance.now());
      await waitFor(() => fast.every((c) => c.events.at(-1)?.sequence === event.sequence), { timeoutMs: 10_000, intervalMs: 1, what: `fast clients to get event ${event.sequence}` });
      if (i === 100 && server.disconnects.length === 0) fastCaughtUpWhileSlowLagged = true;
    }
    assert.deepEqual(server.disconnects, ['slow_consumer']);
    assert.ok(fastCaughtUpWhileSlowLagged, 'the fast clients had every one of 100 large events while the slow one was still connected and not reading');
    const latencies = fast.flatMap((c) => c.events.map((e, k) => (c.arrivals[k] ?? 0) - (sentAt.get(e.sequence) ?? 0)));
    console.log(`fast clients' latency with a stalled neighbour: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms over ${latencies.length} deliveries`);

    slow.socket.resume();
    await waitFor(() => slow.closeCode !== null, { timeoutMs: 20_000, what: 'the slow client to see the close' });
    assert.equal(slow.closeCode, CLOSE_SLOW_CONSUMER);
    assert.equal(slow.controls[0]?.kind, 'notice');
    assert.equal(slow.controls[0]?.code, 'slow_consumer');
    const seqs = slow.events.map((e) => e.sequence);
    assert.deepEqual(seqs, seqs.map((_, i) => (seqs[0] ?? 0) + i), 'what it did get has no holes');
    for (const client of fast) {
      assert.equal(client.closeCode, null, 'fast clients stay connected');
      client.socket.close();
    }
    server.disconnects.length = 0;
  });

  it('a client resuming from a sequence gets exactly the events it missed, then live events', async () => {
    const first = await subscribe(server.url);
    for (let i = 0; i < 5; i++) publishFace(server.bus, 'cam-r');
    await waitFor(() => first.events.length === 5, { timeoutMs: 5000, what: 'five events' });
    const last = first.events.at(-1)!;
    first.socket.close();
    await waitFor(() => first.closeCode !== null, { timeoutMs: 5000, what: 'close' });
    const missed = Array.from({ length: 7 }, () => publishFace(server.bus, 'cam-r').id);

    const resumed = await subscribe(`${server.url}?since=${last.sequence}&run=${last.vigilrun}`);
    await waitFor(() => resumed.events.length === 7, { timeoutMs: 5000, what: 'the missed events' });
    const live = publishFace(server.bus, 'cam-r').id;
    await waitFor(() => resumed.events.length === 8, { timeoutMs: 5000, what: 'the live event' });
    assert.deepEqual(resumed.events.map((e) => e.id), [...missed, live]);
    assert.deepEqual(resumed.controls, []);
    resumed.socket.close();
  });

  it('says `gap` when the history no longer reaches back, then sends what it has', async () => {
    const since = server.bus.sequence;
    for (let i = 0; i < 80; i++) publishFace(server.bus, 'cam-g'); // history holds 50
    const client = await subscribe(`${server.url}?since=${since}`);
    await waitFor(() => client.events.length === 50, { timeoutMs: 5000, what: 'the 50 held events' });
    assert.deepEqual(client.controls, [{ kind: 'gap', reason: 'history_exhausted', run: server.bus.run, from: since + 1, to: since + 30 }]);
    assert.equal(client.events[0]?.sequence, since + 31);
    client.socket.close();
  });

  it('tells a client from another run that the gateway restarted', async () => {
    const client = await subscribe(`${server.url}?since=3&run=someotherrun`);
    await waitFor(() => client.controls.length > 0, { timeoutMs: 5000, what: 'a control message' });
    assert.equal(client.controls[0]?.reason ?? client.controls[0]?.code, 'run_changed');
    client.socket.close();
  });

  it('filters by camera and type from the query, and a subscribe message changes the filter', async () => {
    const client = await subscribe(`${server.url}?camera=cam-x,cam-y&type=vigil.face.detected`);
    publishFace(server.bus, 'cam-x');
    publishFace(server.bus, 'cam-z');
    const y = publishFace(server.bus, 'cam-y');
    await waitFor(() => client.events.at(-1)?.id === y.id, { timeoutMs: 5000, what: 'cam-y event' });
    assert.deepEqual(client.events.map((e) => e.subject), ['cam-x', 'cam-y']);

    client.socket.send(JSON.stringify({ action: 'subscribe', camera: ['cam-z'] }));
    await waitFor(() => client.controls.some((c) => c.kind === 'subscribed'), { timeoutMs: 5000, what: 'subscription ack' });
    publishFace(server.bus, 'cam-x');
    const z = publishFace(server.bus, 'cam-z');
    await waitFor(() => client.events.at(-1)?.id === z.id, { timeoutMs: 5000, what: 'cam-z event' });
    assert.deepEqual(client.events.map((e) => e.subject), ['cam-x', 'cam-y', 'cam-z']);

    client.socket.send('{"action":"subscribe","type":["vigil.nope"]}');
    await waitFor(() => client.controls.some((c) => c.kind === 'error'), { timeoutMs: 5000, what: 'an error message' });
    client.socket.close();
  });

  it('refuses a bad query with 400 before the upgrade', async () => {
    await assert.rejects(subscribe(`${server.url}?since=-1`), /HTTP 400/);
    await assert.rejects(subscribe(`${server.url}?type=vigil.unknown`), /HTTP 400/);
  });
});

describe('WebSocket token auth and heartbeats', () => {
  let server: EventServer;
  before(async () => {
    server = await startEventServer({ tokens: [{ role: 'viewer', token: TOKEN }], heartbeatMs: 200 });
  });
  after(async () => server.close());

  it('refuses an upgrade without a valid token with 401', async () => {
    await assert.rejects(subscribe(server.url), /HTTP 401/);
    await assert.rejects(subscribe(`${server.url}?token=wrong-token-0123456789`), /HTTP 401/);
    assert.equal(server.hub.clientCount, 0);
  });

  it('accepts the token as a header, a query parameter or a subprotocol', async () => {
    const clients: Subscriber[] = [
      await subscribe(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } }),
      await subscribe(`${server.url}?token=${TOKEN}`),
      await subscribe(server.url, {}, ['vigil.events', `bearer.${TOKEN}`]),
    ];
    assert.equal(clients[2]?.socket.protocol, 'vigil.events', 'the token is not echoed back as the protocol');
    const event = publishFace(server.bus, 'cam-t');
    await waitFor(() => clients.every((c) => c.events.some((e) => e.id === event.id)), { timeoutMs: 5000, what: 'the event on every client' });
    for (const c of clients) c.socket.close();
  });

  it('disconnects a client that stops answering pings', async () => {
    const client = await subscribe(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const healthy = await subscribe(server.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    client.socket.pause();
    await waitFor(() => server.disconnects.includes('heartbeat'), { timeoutMs: 10_000, what: 'the heartbeat to drop the silent client' });
    assert.equal(healthy.closeCode, null, 'a client that answers pings stays');
    healthy.socket.close();
    client.socket.terminate();
  });
});
