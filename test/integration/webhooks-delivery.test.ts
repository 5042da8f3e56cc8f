import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { webhookSchema } from '../../src/config';
import { EventBus, type CloudEvent } from '../../src/events';
import { WebhookDispatcher, type WebhookHooks, type WebhookSpec } from '../../src/webhooks';
import { publishFace } from '../helpers/event-clients';
import { freePort } from '../helpers/ports';
import { waitFor } from '../helpers/wait';
import { WebhookReceiver, verifySignature, type ReceivedRequest } from '../helpers/webhook-receiver';

const SECRET = 'whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS13ZWJob29rLXRlc3Rz';
const CAMERAS = ['cam-a', 'cam-b', 'cam-c'];
const silent = pino({ level: 'silent' });

function spec(fields: Record<string, unknown>): WebhookSpec {
  return { ...webhookSchema.parse({ secret: SECRET, retryDelayMs: 50, retryDelayMaxMs: 1000, ...fields }), origin: 'config' };
}

interface Rig {
  readonly bus: EventBus;
  readonly dispatcher: WebhookDispatcher;
  readonly dataDir: string;
  readonly attempts: [string, string][];
}

async function rig(specs: WebhookSpec[], dataDir = mkdtempSync(join(tmpdir(), 'vigil-webhooks-'))): Promise<Rig> {
  const attempts: [string, string][] = [];
  const hooks: WebhookHooks = { onAttempt: (webhook, result) => attempts.push([webhook, result]) };
  const dispatcher = new WebhookDispatcher({ dataDir, logger: silent, hooks });
  for (const s of specs) await dispatcher.add(s);
  const bus = new EventBus();
  bus.addSink(dispatcher);
  return { bus, dispatcher, dataDir, attempts };
}

/** Every published event arrived exactly once, each camera's in publish order, each signed validly. */
function assertOnceInOrderSigned(requests: readonly ReceivedRequest[], published: readonly CloudEvent[]): void {
  const events = requests.map((r) => JSON.parse(r.body.toString()) as CloudEvent);
  const ids = events.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event twice');
  assert.deepEqual([...ids].sort(), published.map((e) => e.id).sort(), 'every event, nothing else');
  for (const camera of CAMERAS) {
    const got = events.filter((e) => e.subject === camera).map((e) => e.sequence);
    assert.deepEqual(got, published.filter((e) => e.subject === camera).map((e) => e.sequence), `${camera} in order`);
  }
  for (const request of requests) {
    assert.equal(request.headers['webhook-id'], (JSON.parse(request.body.toString()) as CloudEvent).id, 'the delivery id is the event id');
    verifySignature(SECRET, request);
  }
}

describe('webhook delivery (real HTTP receivers on loopback)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a receiver down for 30 s then back gets every event once, in order per camera, each validly signed', async () => {
    const port = await freePort();
    const r = await rig([spec({ id: 'down', url: `http://127.0.0.1:${port}/hook`, concurrency: 3 })]);
    cleanups.push(() => r.dispatcher.destroy());
    const published: CloudEvent[] = [];
    const downAt = Date.now();
    // Three cameras, one event each every second, for the 30 s the receiver is down.
    while (Date.now() - downAt < 30_000) {
      for (const camera of CAMERAS) published.push(publishFace(r.bus, camera));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const view = r.dispatcher.views()[0];
    assert.equal(view?.state, 'retrying');
    assert.equal(view?.delivered, 0);
    assert.ok((view?.failedAttempts ?? 0) > 3, 'it kept trying');
    assert.equal(view?.lastError?.code, 'VIGIL_ERR_WEBHOOK_UNREACHABLE');
    assert.equal(view?.pending, published.length, 'everything waits in the journal');

    const receiver = await WebhookReceiver.start({ port });
    cleanups.push(() => receiver.close());
    const backAt = Date.now();
    await waitFor(() => receiver.requests.length >= published.length, { timeoutMs: 30_000, what: 'the backlog to arrive' });
    const caughtUpMs = Date.now() - backAt;
    for (const camera of CAMERAS) published.push(publishFace(r.bus, camera));
    await waitFor(() => receiver.requests.length >= published.length && r.dispatcher.views()[0]?.pending === 0, { timeoutMs: 10_000, what: 'new events after the backlog' });
    assertOnceInOrderSigned(receiver.requests, published);
    assert.equal(r.dispatcher.views()[0]?.state, 'delivering');
    process.stdout.write(`# ${published.length - 3} events waited ${((backAt - downAt) / 1000).toFixed(1)} s; all delivered ${caughtUpMs} ms after the receiver returned\n`);
  });

  it('parks an event its receiver answers 410, with the reason, without retrying it; the camera goes on', async () => {
    let refuse = '';
    const receiver = await WebhookReceiver.start({ answer: (req) => ((JSON.parse(req.body.toString()) as CloudEvent).id === refuse ? { status: 410, body: 'gone: this alarm zone was removed' } : { status: 204 }) });
    cleanups.push(() => receiver.close());
    const r = await rig([spec({ id: 'gone', url: receiver.url() })]);
    cleanups.push(() => r.dispatcher.destroy());
    const first = publishFace(r.bus, 'cam-a');
    const doomed = publishFace(r.bus, 'cam-a');
    refuse = doomed.id;
    const later = [publishFace(r.bus, 'cam-a'), publishFace(r.bus, 'cam-b')];
    await waitFor(() => r.dispatcher.views()[0]?.pending === 0, { timeoutMs: 10_000, what: 'all four handled' });
    const ids = receiver.events().map((e) => e.id);
    assert.equal(ids.filter((id) => id === doomed.id).length, 1, 'asked once, never retried');
    assert.deepEqual(ids.filter((id) => id !== doomed.id).sort(), [first.id, ...later.map((e) => e.id)].sort(), 'later events delivered');
    const detail = r.dispatcher.detail('gone');
    assert.equal(detail.parked, 1);
    assert.equal(detail.parkedEvents[0]?.id, doomed.id);
    assert.equal(detail.parkedEvents[0]?.status, 410);
    assert.equal(detail.parkedEvents[0]?.reason, 'HTTP 410: gone: this alarm zone was removed');
    assert.equal(detail.lastError?.code, 'VIGIL_ERR_WEBHOOK_REFUSED');
    assert.deepEqual(r.attempts.filter(([, result]) => result === 'parked'), [['gone', 'parked']]);
  });

  it('does not follow a redirect: the other host gets nothing, the event is parked saying why', async () => {
    const elsewhere = await WebhookReceiver.start();
    cleanups.push(() => elsewhere.close());
    const redirecting = await WebhookReceiver.start({ answer: () => ({ status: 307, headers: { location: elsewhere.url('/stolen') } }) });
    cleanups.push(() => redirecting.close());
    const r = await rig([spec({ id: 'redir', url: redirecting.url() })]);
    cleanups.push(() => r.dispatcher.destroy());
    const event = publishFace(r.bus, 'cam-a');
    await waitFor(() => r.dispatcher.views()[0]?.parked === 1, { timeoutMs: 10_000, what: 'the event to be parked' });
    assert.equal(redirecting.requests.length, 1);
    assert.equal(elsewhere.requests.length, 0, 'the redirect target was never contacted');
    const parked = r.dispatcher.detail('redir').parkedEvents[0];
    assert.equal(parked?.id, event.id);
    assert.equal(parked?.reason, `HTTP 307: redirect to ${elsewhere.url('/stolen')} not followed`);
  });

  it('one receiver that never answers delays neither another receiver nor the publisher; its events survive a restart', async () => {
    const stuck = await WebhookReceiver.start({ answer: () => 'hang' });
    cleanups.push(() => stuck.close());
    const fast = await WebhookReceiver.start();
    cleanups.push(() => fast.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-webhooks-'));
    const slowSpec = spec({ id: 'slow', url: stuck.url(), timeoutMs: 60_000, concurrency: 2 });
    const r = await rig([slowSpec, spec({ id: 'fast', url: fast.url() })], dataDir);
    const published: CloudEvent[] = [];
    let publishMs = 0;
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      published.push(publishFace(r.bus, CAMERAS[i % 3] as string));
      publishMs = Math.max(publishMs, performance.now() - started);
    }
    await waitFor(() => fast.requests.length >= published.length, { timeoutMs: 10_000, what: 'the fast receiver to get everything' });
    assertOnceInOrderSigned(fast.requests, published);
    assert.equal(r.dispatcher.detail('slow').delivered, 0);
    assert.ok(stuck.requests.length <= 2, `at most its concurrency in flight (${stuck.requests.length})`);
    process.stdout.write(`# slowest publish with a hanging receiver: ${publishMs.toFixed(2)} ms\n`);
    // Stop with a short deadline: the hanging requests are cancelled, the events stay in the journal.
    await r.dispatcher.close(200);
    const journal = join(dataDir, 'webhooks', 'slow');
    assert.equal(statSync(journal).mode & 0o777, 0o700);
    for (const file of readdirSync(journal)) assert.equal(statSync(join(journal, file)).mode & 0o777, 0o600, file);

    const answering = await WebhookReceiver.start();
    cleanups.push(() => answering.close());
    const again = await rig([{ ...slowSpec, url: answering.url() }], dataDir);
    cleanups.push(() => again.dispatcher.destroy());
    await waitFor(() => answering.requests.length >= published.length && again.dispatcher.views()[0]?.pending === 0, { timeoutMs: 15_000, what: 'the journal to be replayed after the restart' });
    assertOnceInOrderSigned(answering.requests, published);
  });

  it('binary mode: data as the body, attributes as ce- headers, signature over the body; a huge error answer is cut short', async () => {
    let first = true;
    const receiver = await WebhookReceiver.start({
      answer: () => {
        if (!first) return { status: 200 };
        first = false;
        return { status: 400, body: Buffer.alloc(4 * 1024 * 1024, 0x61) };
      },
    });
    cleanups.push(() => receiver.close());
    const r = await rig([spec({ id: 'bin', url: receiver.url(), mode: 'binary', types: ['vigil.face.*'], cameras: ['cam-a', 'cam-b'] })]);
    cleanups.push(() => r.dispatcher.destroy());
    const refused = publishFace(r.bus, 'cam-a');
    publishFace(r.bus, 'cam-c'); // not one of its cameras
    const event = publishFace(r.bus, 'cam-b');
    await waitFor(() => receiver.requests.length === 2 && r.dispatcher.views()[0]?.pending === 0, { timeoutMs: 10_000, what: 'both deliveries' });
    const parked = r.dispatcher.detail('bin').parkedEvents[0];
    assert.equal(parked?.id, refused.id);
    assert.ok(parked && parked.reason.length < 300, 'the reason is a short excerpt of the answer');
    const request = receiver.requests[1] as ReceivedRequest;
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['ce-id'], event.id);
    assert.equal(request.headers['ce-type'], 'vigil.face.detected');
    assert.equal(request.headers['ce-subject'], 'cam-b');
    assert.equal(request.headers['ce-sequence'], String(event.sequence));
    assert.deepEqual(JSON.parse(request.body.toString()), event.data);
    verifySignature(SECRET, request);
  });

  it('with private targets refused, never sends a byte to a loopback receiver, by address or by name', async () => {
    const receiver = await WebhookReceiver.start();
    cleanups.push(() => receiver.close());
    const r = await rig([
      spec({ id: 'by-address', url: receiver.url(), allowPrivateTargets: false }),
      spec({ id: 'by-name', url: `http://localhost:${receiver.port}/hook`, allowPrivateTargets: false }),
    ]);
    cleanups.push(() => r.dispatcher.destroy());
    publishFace(r.bus, 'cam-a');
    await waitFor(() => r.dispatcher.views().every((v) => v.failedAttempts >= 2), { timeoutMs: 10_000, what: 'both to fail a few times' });
    for (const view of r.dispatcher.views()) {
      assert.equal(view.lastError?.code, 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED', view.id);
      assert.match(view.lastError?.message ?? '', /loopback/);
      assert.equal(view.pending, 1, 'the event waits (the address may be fixed), it is not parked');
    }
    assert.equal(receiver.requests.length, 0);
  });
});
