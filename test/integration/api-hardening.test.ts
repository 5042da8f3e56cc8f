import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FACES } from '../helpers/paths';
import { startTestApp, TOKENS, type TestApp } from '../helpers/api-app';
import { publishFace, subscribe } from '../helpers/event-clients';
import { LiveClient } from '../helpers/live-client';
import { waitFor } from '../helpers/wait';

const BASE = {
  api: { watchConfig: false, authFailureBurst: 5, authFailuresPerMinute: 1 },
  // A streams-file camera aimed at the cloud metadata address: refused before any decoder starts.
  cameras: [{ id: 'metadata', url: 'http://169.254.169.254/latest/stream', recognition: false }],
};

interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Sends the whole request before reading anything, as many clients do; resolves with what came back and any socket error. */
function sendWholeThenRead(port: number, head: string, body: Buffer): Promise<{ response: string; error: string | null }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let error: string | null = null;
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ response, error }));
    socket.write(head);
    socket.write(body);
  });
}

describe('hardening of the API: tokens, names, destinations, bodies (real App)', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await startTestApp(BASE);
    port = t.app.http.address.port;
  });
  after(async () => t?.stop());

  const metric = async (name: string): Promise<string> => (await t.request({ method: 'GET', url: '/metrics', as: null })).body.split('\n').filter((l) => l.startsWith(name)).join('\n');

  it('closes the open WebSockets of a token when it is revoked (4401), lowered (4403) or expires (4401)', async () => {
    const create = async (body: object): Promise<{ id: string; token: string }> => (await t.request({ method: 'POST', url: '/v1/tokens', payload: body })).json() as { id: string; token: string };
    const revoked = await create({ role: 'viewer', name: 'to revoke' });
    const lowered = await create({ role: 'operator', name: 'to lower' });
    const expiring = await create({ role: 'viewer', name: 'short-lived', expiresAt: new Date(Date.now() + 6000).toISOString() });
    const url = `ws://127.0.0.1:${port}/v1/events`;
    const open = async (token: string) => subscribe(url, {}, ['vigil.events', `bearer.${token}`]);
    const [a, b, c, bystander] = await Promise.all([open(revoked.token), open(lowered.token), open(expiring.token), open(TOKENS.viewer)]);
    // Live video sockets too (every role may watch, so only revocation and expiry end them).
    const watch = (token: string): LiveClient => new LiveClient(`ws://127.0.0.1:${port}/v1/cameras/metadata/live`, token);
    const [liveRevoked, liveLowered, liveExpiring] = [watch(revoked.token), watch(lowered.token), watch(expiring.token)];
    await Promise.all([liveRevoked.opened, liveLowered.opened, liveExpiring.opened]);

    assert.equal((await t.request({ method: 'DELETE', url: `/v1/tokens/${revoked.id}` })).statusCode, 204);
    await waitFor(() => a.closeCode, { timeoutMs: 5000, what: 'the revoked token socket to close' });
    assert.equal(a.closeCode, 4401);
    const patched = await t.request({ method: 'PATCH', url: `/v1/tokens/${lowered.id}`, payload: { role: 'viewer' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((patched.json() as { role: string }).role, 'viewer');
    await waitFor(() => b.closeCode, { timeoutMs: 5000, what: 'the lowered token socket to close' });
    assert.equal(b.closeCode, 4403);
    await waitFor(() => c.closeCode, { timeoutMs: 15_000, what: 'the expired token socket to close' });
    assert.equal(c.closeCode, 4401);
    assert.equal(bystander.closeCode, null, 'other tokens keep streaming');
    const closeCode = (client: LiveClient, what: string): Promise<number> => {
      let code: number | null = null;
      void client.closed.then((c) => (code = c.code));
      return waitFor(() => code, { timeoutMs: 5000, what });
    };
    assert.equal(await closeCode(liveRevoked, 'the revoked token\'s live video to end'), 4401);
    assert.equal(await closeCode(liveExpiring, 'the expired token\'s live video to end'), 4401);
    assert.equal(liveLowered.ws.readyState, liveLowered.ws.OPEN, 'a lowered role may still watch');
    liveLowered.close();

    // Nothing more reaches the closed ones; the bystander still gets events.
    const before = a.events.length + b.events.length + c.events.length;
    publishFace(t.app.bus, 'x');
    await waitFor(() => bystander.events.length > 0, { timeoutMs: 5000, what: 'the bystander to get the event' });
    assert.equal(a.events.length + b.events.length + c.events.length, before);
    bystander.socket.close();
    for (const token of [revoked.token, expiring.token]) {
      const refused = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
      assert.equal(refused.statusCode, 401);
    }
    assert.match(await metric('vigil_websocket_disconnects_total{reason="token_revoked"}'), / 1$/);
  });

  it('refuses a token in the URL of an ordinary route, naming why (the WebSocket upgrade still takes one)', async () => {
    const res = await t.request({ method: 'GET', url: `/v1/cameras?token=${TOKENS.viewer}`, as: null });
    assert.equal(res.statusCode, 401);
    const body = res.json() as ErrorBody;
    assert.equal(body.error.code, 'VIGIL_ERR_UNAUTHORIZED');
    assert.match(body.error.message, /only on the WebSocket upgrade/);
    assert.ok(!t.logs.join('\n').includes(TOKENS.viewer), 'never logged');
    const ws = await subscribe(`ws://127.0.0.1:${port}/v1/events?token=${TOKENS.viewer}`);
    ws.socket.close();
  });

  it('refuses control and bidirectional-override characters in camera names, identity names and metadata keys', async () => {
    const camera = await t.request({ method: 'POST', url: '/v1/cameras', as: 'operator', payload: { id: 'spoof', url: 'rtsp://127.0.0.1:9/x', name: 'Caméra \u0000 \u202e RTL' } });
    assert.equal(camera.statusCode, 400, camera.body);
    assert.equal((camera.json() as ErrorBody).error.code, 'VIGIL_ERR_BAD_REQUEST');
    assert.match((camera.json() as ErrorBody).error.message, /name: must not contain control or bidirectional-override characters/);
    const image = readFileSync(join(FACES, 'lin_manuel_miranda', 'lin1.png')).toString('base64');
    const identity = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name: 'Ada \u202eecalovoL', images: [image] } });
    assert.equal(identity.statusCode, 400, identity.body);
    assert.match((identity.json() as ErrorBody).error.message, /U\+202E/);
    const metadata = await t.request({ method: 'POST', url: '/v1/identities', as: 'operator', payload: { name: 'Ada', metadata: { 'badge\u2066': 1 }, images: [image] } });
    assert.equal(metadata.statusCode, 400, metadata.body);
    assert.match((metadata.json() as ErrorBody).error.message, /metadata key/);
    const listed = (await t.request({ method: 'GET', url: '/v1/identities', as: 'viewer' })).json() as unknown[];
    assert.equal(listed.length, 0, 'nothing was stored');
    const fine = await t.request({ method: 'POST', url: '/v1/cameras', as: 'operator', payload: { id: 'accents', url: 'rtsp://127.0.0.1:9/x', name: 'Caméra entrée', enabled: false } });
    assert.equal(fine.statusCode, 201, fine.body);
  });

  it("refuses cameras aimed at a link-local address or at the gateway's own listener; loopback cameras stay allowed", async () => {
    for (const url of ['rtsp://169.254.169.254/stream', 'http://[fe80::1]/mjpeg', 'rtsp://[::ffff:169.254.169.254]:554/x', `http://127.0.0.1:${port}/v1/cameras`, `http://0.0.0.0:${port}/`]) {
      const res = await t.request({ method: 'POST', url: '/v1/cameras', as: 'operator', payload: { id: 'refused', url } });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.equal((res.json() as ErrorBody).error.code, 'VIGIL_ERR_CAMERA_TARGET_REFUSED', url);
    }
    const stored = await t.request({ method: 'PATCH', url: '/v1/cameras/accents', as: 'operator', payload: { url: 'rtsp://169.254.169.254/x' } });
    assert.equal(stored.statusCode, 400, 'a change is checked as well');
    const file = (await t.request({ method: 'GET', url: '/v1/cameras/metadata', as: 'viewer' })).json() as { state: string; lastError: { code: string } | null };
    assert.equal(file.state, 'failed');
    assert.equal(file.lastError?.code, 'VIGIL_ERR_CAMERA_TARGET_REFUSED');
  });

  it('answers a 10 MB JSON body with a readable 413, not a reset, even to a client that sends it all before reading', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 0x20);
    body[0] = 0x7b; // '{' ... spaces ... '}'
    body[body.length - 1] = 0x7d;
    const head = `POST /v1/cameras HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.operator}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { response, error } = await sendWholeThenRead(port, head, body);
    assert.equal(error, null, `the client's send failed: ${error ?? ''}`);
    assert.match(response, /^HTTP\/1\.1 413 /);
    assert.match(response, /"code":"VIGIL_ERR_PAYLOAD_TOO_LARGE"/);
  });

  // Last: it exhausts 127.0.0.1's budget of failures (inject's address; the other tests use it too).
  it('throttles wrong tokens per client address: 429 before the token is checked, counted in a metric', async () => {
    const from = { remoteAddress: '10.9.9.9' };
    const wrong = { authorization: 'Bearer wrong-token-0123456789abcdef' };
    for (let i = 0; i < 5; i++) {
      const res = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/cameras', headers: wrong, ...from });
      assert.equal(res.statusCode, 401, `wrong token ${i + 1}`);
    }
    const throttled = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/cameras', headers: wrong, ...from });
    assert.equal(throttled.statusCode, 429);
    assert.equal((throttled.json() as ErrorBody).error.code, 'VIGIL_ERR_RATE_LIMITED');
    assert.ok(Number(throttled.headers['retry-after']) >= 1);
    const right = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/cameras', headers: { authorization: `Bearer ${TOKENS.viewer}` }, ...from });
    assert.equal(right.statusCode, 429, 'while throttled, no token is checked at all (guessing gets no answer)');
    const other = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/cameras', headers: { authorization: `Bearer ${TOKENS.viewer}` }, remoteAddress: '10.9.9.10' });
    assert.equal(other.statusCode, 200, 'other addresses are not affected');
    const none = await t.app.http.fastify.inject({ method: 'GET', url: '/v1/cameras', ...from });
    assert.equal(none.statusCode, 401, 'no token is no guess');
    assert.match(await metric('vigil_auth_failures_total{result="refused"}'), / [5-9]$/);
    assert.match(await metric('vigil_auth_failures_total{result="throttled"}'), / 2$/);

    // The WebSocket upgrade shares the budget (from 127.0.0.1, the real socket's address, which
    // earlier tests already spent some of): 401s, then 429.
    const answers: string[] = [];
    for (let i = 0; i < 6 && !answers.includes('HTTP 429'); i++) {
      answers.push(await subscribe(`ws://127.0.0.1:${port}/v1/events`, { headers: wrong }).then(() => 'open', (error: Error) => error.message));
    }
    assert.equal(answers.at(-1), 'HTTP 429', answers.join(', '));
    assert.ok(answers.slice(0, -1).every((a) => a === 'HTTP 401'), answers.join(', '));
  });
});
