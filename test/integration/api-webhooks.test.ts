import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudEvent } from '../../src/events';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { publishFace } from '../helpers/event-clients';
import { discoveryProblems } from '../helpers/home-assistant';
import { Mosquitto, MqttSubscriber } from '../helpers/mosquitto';
import { CLIP } from '../helpers/paths';
import { freePort } from '../helpers/ports';
import { ProcessGroup } from '../helpers/processes';
import { waitFor } from '../helpers/wait';
import { WebhookReceiver, verifySignature } from '../helpers/webhook-receiver';

const FILE_SECRET = 'file-secret-Qx7-never-in-logs';
const API_SECRET = 'api-secret-Zp4-never-shown-again';

interface View {
  id: string;
  url: string;
  origin: string;
  state: string;
  pending: number;
  delivered: number;
  parked: number;
  lastError: { code: string; message: string } | null;
  secret?: string;
  parkedEvents?: { id: string; status: number; reason: string }[];
}

const errorCode = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('webhooks through the gateway: streams file, admin API, persistence, MQTT wiring (real App)', () => {
  const group = new ProcessGroup();
  const receivers: WebhookReceiver[] = [];
  let dir: string;
  let broker: Mosquitto;
  let subscriber: MqttSubscriber;
  let fileReceiver: WebhookReceiver;
  let t: TestApp | undefined;
  /** Every app started, so a test that fails halfway still stops its gateway (a running decoder would keep the file alive). */
  const started: TestApp[] = [];
  const start = async (...args: Parameters<typeof startTestApp>): Promise<TestApp> => {
    const app = await startTestApp(...args);
    started.push(app);
    return app;
  };
  const receiver = async (answer?: Parameters<typeof WebhookReceiver.start>[0]): Promise<WebhookReceiver> => {
    const r = await WebhookReceiver.start(answer);
    receivers.push(r);
    return r;
  };
  const document = async (allowPrivate: boolean): Promise<object> => ({
    gateway: { allowLocalFiles: true },
    api: { watchConfig: false, rateLimitBurst: 100, webhooksAllowPrivateTargets: allowPrivate },
    cameras: [{ id: 'clip', name: 'Clip camera', url: `file:${CLIP}`, fps: 2, recognition: false }],
    webhooks: [
      { id: 'file-hook', url: fileReceiver.url(), secret: FILE_SECRET, types: ['vigil.camera.status', 'vigil.face.*'] },
      { id: 'down-hook', url: `http://127.0.0.1:${await freePort()}/nobody`, secret: FILE_SECRET, retryDelayMaxMs: 1000 },
    ],
    mqtt: { url: broker.url, reconnectDelayMs: 100, reconnectDelayMaxMs: 1000 },
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-webhooks-'));
    broker = await Mosquitto.start(group);
    subscriber = MqttSubscriber.start(group, broker, ['vigil/#', 'homeassistant/#']);
    fileReceiver = await receiver();
  });
  after(async () => {
    for (const app of started) await app.stop().catch(() => undefined);
    for (const r of receivers) await r.close();
    await group.killAll();
  });

  it('delivers streams.yaml webhooks and MQTT from the running gateway; the API refuses loopback targets by default', async () => {
    t = await start(await document(false), { dir });
    const app = t;
    // The camera's own status events reach the file webhook, signed, and the broker.
    await waitFor(() => fileReceiver.events<CloudEvent>().some((e) => e.type === 'vigil.camera.status' && (e.data as { state: string }).state === 'streaming'), { timeoutMs: 30_000, what: 'the clip camera streaming, by webhook' });
    for (const request of fileReceiver.requests) verifySignature(FILE_SECRET, request);
    await waitFor(() => subscriber.on('vigil/gw-test/cameras/clip/availability').at(-1)?.payload === 'online', { timeoutMs: 10_000, what: 'the camera available over MQTT' });
    const configs = subscriber.messages.filter((m) => m.topic.startsWith('homeassistant/sensor/') && m.topic.includes('clip'));
    assert.equal(configs.length, 2);
    for (const m of configs) {
      assert.deepEqual(discoveryProblems(m.topic, m.payload), [], m.topic);
      assert.equal((JSON.parse(m.payload) as { device: { name: string } }).device.name, 'Clip camera', 'named as the registry names it');
    }

    for (const [url, code] of [
      [fileReceiver.url(), 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED'],
      [`http://localhost:${fileReceiver.port}/hook`, 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED'],
      [`http://[::1]:${fileReceiver.port}/hook`, 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED'],
      [`http://[::ffff:127.0.0.1]:${fileReceiver.port}/hook`, 'VIGIL_ERR_WEBHOOK_TARGET_REFUSED'],
      ['ftp://127.0.0.1/x', 'VIGIL_ERR_WEBHOOK_URL'],
      ['not a url', 'VIGIL_ERR_WEBHOOK_URL'],
    ] as const) {
      const res = await app.request({ method: 'POST', url: '/v1/webhooks', payload: { url, secret: API_SECRET } });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal(errorCode(res.body), code, url);
    }
    const unknownField = await app.request({ method: 'POST', url: '/v1/webhooks', payload: { url: fileReceiver.url(), followRedirects: true } });
    assert.equal(unknownField.statusCode, 400);
    assert.match(unknownField.body, /followRedirects: unknown field/);
    assert.equal((await app.request({ method: 'GET', url: '/v1/webhooks' })).json<View[]>().length, 2, 'nothing was added');

    const list = await app.request({ method: 'GET', url: '/v1/webhooks' });
    assert.ok(!list.body.includes(FILE_SECRET));
    const views = list.json<View[]>();
    assert.deepEqual(views.map((v) => [v.id, v.origin]), [['file-hook', 'config'], ['down-hook', 'config']]);
    assert.equal((await app.request({ method: 'DELETE', url: '/v1/webhooks/file-hook' })).statusCode, 409);
    assert.equal(errorCode((await app.request({ method: 'GET', url: '/v1/webhooks/nope' })).body), 'VIGIL_ERR_WEBHOOK_NOT_FOUND');

    // A receiver that is down is not a reason to be unready.
    await waitFor(async () => (await app.request({ method: 'GET', url: '/v1/webhooks/down-hook' })).json<View>().lastError !== null, { timeoutMs: 10_000, what: 'down-hook failing' });
    const ready = await app.request({ method: 'GET', url: '/readyz', as: null });
    assert.equal(ready.statusCode, 200, ready.body);
    const components = ready.json<{ components: Record<string, { ready: boolean; retrying?: string[]; state?: string }> }>().components;
    assert.deepEqual(components.webhooks?.retrying, ['down-hook']);
    assert.equal(components.mqtt?.state, 'connected');

    const metrics = (await app.request({ method: 'GET', url: '/metrics', as: null })).body;
    assert.match(metrics, /vigil_webhook_deliveries_total\{webhook="file-hook",result="delivered"\} [1-9]/);
    assert.match(metrics, /vigil_webhook_deliveries_total\{webhook="down-hook",result="retry"\} [1-9]/);
    assert.match(metrics, /vigil_mqtt_delivered_total [1-9]/);
    assert.match(metrics, /vigil_mqtt_connected 1/);
    await app.stop();
    t = undefined;
    assert.ok(!app.logs.join('\n').includes(FILE_SECRET), 'the secret never reaches the log');
  });

  it('adds webhooks through the API when the file allows private targets: secret shown once, signed, parked 4xx visible, kept across a restart', async () => {
    t = await start(await document(true), { dir });
    const app = t;
    const good = await receiver();
    const gone = await receiver({ answer: () => ({ status: 410, body: 'gone' }) });
    const created = await app.request({ method: 'POST', url: '/v1/webhooks', payload: { id: 'api-good', url: good.url(), types: ['vigil.face.detected'] } });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json<View>();
    assert.equal(view.origin, 'api');
    assert.match(view.secret ?? '', /^whsec_[A-Za-z0-9+/]{43}=$/, 'a generated secret, shown this once');
    const withSecret = await app.request({ method: 'POST', url: '/v1/webhooks', payload: { id: 'api-gone', url: gone.url(), secret: API_SECRET, types: ['vigil.face.detected'] } });
    assert.equal(withSecret.statusCode, 201, withSecret.body);
    assert.equal(withSecret.json<View>().secret, undefined, 'a given secret is never echoed');
    assert.equal((await app.request({ method: 'POST', url: '/v1/webhooks', payload: { id: 'file-hook', url: good.url() } })).statusCode, 409);

    const event = publishFace(app.app.bus, 'clip');
    await waitFor(() => good.requests.length === 1, { timeoutMs: 10_000, what: 'the API webhook to deliver' });
    verifySignature(view.secret ?? '', good.requests[0]!);
    await waitFor(async () => (await app.request({ method: 'GET', url: '/v1/webhooks/api-gone' })).json<View>().parked === 1, { timeoutMs: 10_000, what: 'the 410 to be parked' });
    const detail = (await app.request({ method: 'GET', url: '/v1/webhooks/api-gone' })).json<View>();
    assert.deepEqual(detail.parkedEvents?.map((p) => [p.id, p.status, p.reason]), [[event.id, 410, 'HTTP 410: gone']]);
    assert.equal(detail.lastError?.code, 'VIGIL_ERR_WEBHOOK_REFUSED');
    assert.match((await app.request({ method: 'GET', url: '/metrics', as: null })).body, /vigil_webhook_parked_total\{webhook="api-gone"\} 1/);
    const all = (await app.request({ method: 'GET', url: '/v1/webhooks' })).body;
    assert.ok(!all.includes(API_SECRET) && !all.includes(view.secret ?? 'none'), 'no secret in the list');
    await app.stop();
    t = undefined;
    assert.ok(!app.logs.join('\n').includes(API_SECRET), 'the secret never reaches the log');

    // Restart: the API webhooks come back, with their secret, their parked events and their journal.
    t = await start(await document(true), { dir });
    const again = t;
    const ids = (await again.request({ method: 'GET', url: '/v1/webhooks' })).json<View[]>().map((v) => [v.id, v.origin]);
    assert.deepEqual(ids, [['file-hook', 'config'], ['down-hook', 'config'], ['api-good', 'api'], ['api-gone', 'api']]);
    assert.equal((await again.request({ method: 'GET', url: '/v1/webhooks/api-gone' })).json<View>().parked, 1);
    publishFace(again.app.bus, 'clip');
    await waitFor(() => good.requests.length === 2, { timeoutMs: 10_000, what: 'delivery after the restart' });
    verifySignature(view.secret ?? '', good.requests[1]!);

    const journal = join(dir, 'data', 'webhooks', 'api-gone');
    assert.ok(existsSync(journal));
    assert.equal((await again.request({ method: 'DELETE', url: '/v1/webhooks/api-gone' })).statusCode, 204);
    assert.equal((await again.request({ method: 'GET', url: '/v1/webhooks/api-gone' })).statusCode, 404);
    assert.ok(!existsSync(journal), 'its journal and parked events are gone');
    assert.ok(!(await again.request({ method: 'GET', url: '/metrics', as: null })).body.includes('webhook="api-gone"'), 'and its metric series');
  });
});
