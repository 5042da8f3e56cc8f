import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudEvent } from '../../src/events';
import { ADMIN, api, cameraList, decodersOf, decodersUnder, fileCameras, killHard, startMember, type ClusterGateway } from '../helpers/cluster';
import { subscribe, type Subscriber } from '../helpers/event-clients';
import { startKafkaMock, type KafkaMock } from '../helpers/kafka-mock';
import { FACES } from '../helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../helpers/processes';
import { waitFor } from '../helpers/wait';

const IDS = Array.from({ length: 12 }, (_, i) => `cam-${String(i + 1).padStart(2, '0')}`);
/** The one camera with recognition (the clip's performer is enrolled in a test). */
const FACE_CAM = 'stage';
const SESSION_MS = 6000;

/**
 * Three gateways in cluster mode on librdkafka's mock cluster (three brokers), sharing one streams
 * file: twelve small file cameras and one with recognition. What each gateway really decodes is
 * read from the files its decoder processes have open, not from what the gateways say.
 */
describe('cluster: three gateways share the cameras through Kafka', () => {
  const group = new ProcessGroup();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-'));
  let kafka: KafkaMock;
  let config: Record<string, unknown>;
  let members: ClusterGateway[] = [];
  let watcher: Subscriber;

  const start = (name: string) => startMember(group, name, kafka.bootstrap, config);
  /** camera -> gateways decoding it, over the given gateways. */
  const decoding = (gateways: readonly ClusterGateway[]) => {
    const map = new Map<string, string[]>();
    for (const g of gateways) for (const camera of decodersOf(g)) map.set(camera, [...(map.get(camera) ?? []), g.instanceId]);
    return map;
  };
  /** Every camera decoded by exactly one gateway, and every gateway's API naming that one as running it. */
  const settled = async (gateways: readonly ClusterGateway[], cameras: readonly string[]) => {
    const truth = decoding(gateways);
    if (!cameras.every((c) => truth.get(c)?.length === 1)) return null;
    for (const g of gateways) {
      const list = await cameraList(g);
      for (const c of cameras) {
        const view = list.find((v) => v.id === c);
        if (!view || view.state !== 'streaming' || view.gateway !== truth.get(c)?.[0]) return null;
      }
    }
    return truth;
  };

  before(async () => {
    kafka = await startKafkaMock(group, 'vigil.events', 3);
    config = {
      gateway: { allowLocalFiles: true, restartDelayMs: 200, restartDelayMaxMs: 1000 },
      cluster: { sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 500, viewIntervalMs: 500 },
      recognition: { galleryPollMs: 200 },
      cameras: [...fileCameras(dir, IDS), { ...fileCameras(dir, [FACE_CAM])[0], fps: 3, width: 640, height: 360, recognition: true }],
    };
    members = await Promise.all(['gw-a', 'gw-b', 'gw-c'].map(start));
    watcher = await subscribe(`${members[0]!.wsUrl}?token=${ADMIN}`);
  });
  after(async () => {
    watcher?.socket.close();
    await group.killAll();
  });

  it('runs each of the 13 cameras on exactly one gateway, and every gateway lists all of them with their live state', async () => {
    const truth = await waitFor(() => settled(members, [...IDS, FACE_CAM]), { timeoutMs: 90_000, intervalMs: 500, what: 'every camera streaming on exactly one gateway' });
    const owners = new Set([...truth.values()].flat());
    assert.equal(owners.size, 3, `the cameras are spread over the three gateways: ${JSON.stringify([...truth])}`);
  });

  it('gives a WebSocket client on one gateway the events of cameras the others run', async () => {
    const owners = decoding(members);
    const elsewhere = new Set([...owners].filter(([, g]) => g[0] !== members[0]!.instanceId).map(([, g]) => `urn:vigil:gateway:${g[0]}`));
    assert.ok(elsewhere.size >= 1);
    await waitFor(() => [...elsewhere].every((source) => watcher.events.some((e) => e.source === source)), { timeoutMs: 30_000, what: `events from ${[...elsewhere].join(', ')} on ${members[0]!.instanceId}` });
    const positioned = watcher.events.filter((e) => typeof (e as CloudEvent).vigilpos === 'string');
    assert.equal(positioned.length, watcher.events.length, 'every event carries its position in the events topic');
  });

  it('resumes on another gateway from the position reached on the first: nothing missed, nothing twice', async () => {
    const offsets = (events: readonly CloudEvent[]) => {
      const map = new Map<number, number[]>();
      for (const e of events) {
        const [p, o] = String(e.vigilpos).split(':').map(Number) as [number, number];
        map.set(p, [...(map.get(p) ?? []), o]);
      }
      return map;
    };
    const first = await subscribe(`${members[0]!.wsUrl}?token=${ADMIN}`);
    await waitFor(() => first.events.length >= 20, { timeoutMs: 30_000, what: 'events on the first gateway' });
    first.socket.close();
    await waitFor(() => first.closeCode !== null, { timeoutMs: 5000, what: 'the first connection closed' });
    const seen = offsets(first.events);
    const position = [...seen].map(([p, o]) => `${p}:${Math.max(...o)}`).join(',');
    // Events keep coming while the client is away; it comes back on another gateway.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await subscribe(`${members[1]!.wsUrl}?token=${ADMIN}&position=${position}`);
    await waitFor(() => second.events.length >= 20, { timeoutMs: 30_000, what: 'events on the second gateway' });
    second.socket.close();
    assert.deepEqual(second.controls.filter((c) => c.kind === 'gap'), [], 'no gap: the second gateway holds what the client missed');
    const resumed = offsets(second.events);
    for (const [partition, before] of seen) {
      const after = resumed.get(partition) ?? [];
      const all = [...before, ...after];
      assert.equal(new Set(all).size, all.length, `partition ${partition}: no event twice`);
      const sorted = [...all].sort((a, b) => a - b);
      assert.deepEqual(sorted, Array.from({ length: sorted.length }, (_, i) => sorted[0]! + i), `partition ${partition}: no event missed`);
    }
  });

  it('adds and removes a camera through any gateway\'s API: exactly one gateway starts and stops it', async () => {
    // The API never opens local files: an RTSP URL nobody serves keeps the camera retrying where it runs.
    const created = await api(members[1]!, '/v1/cameras', { method: 'POST', body: JSON.stringify({ id: 'cam-api', url: 'rtsp://127.0.0.1:9/none', fps: 1 }) });
    assert.equal(created.status, 201, await created.clone().text());
    const statusFrom = () => new Set(watcher.events.filter((e) => e.type === 'vigil.camera.status' && e.subject === 'cam-api').map((e) => e.source));
    await waitFor(() => statusFrom().size > 0, { timeoutMs: 30_000, what: 'cam-api running somewhere' });
    const runner = await waitFor(async () => {
      const views = await Promise.all(members.map(async (g) => (await cameraList(g)).find((c) => c.id === 'cam-api')?.gateway));
      return views.every((v) => v && v === views[0]) ? views[0] : null;
    }, { timeoutMs: 30_000, what: 'every gateway naming the gateway that runs cam-api' });
    assert.deepEqual([...statusFrom()], [`urn:vigil:gateway:${runner}`], 'only one gateway published status for cam-api');
    const removed = await api(members[2]!, '/v1/cameras/cam-api', { method: 'DELETE' });
    assert.equal(removed.status, 204);
    await waitFor(() => watcher.events.some((e) => e.type === 'vigil.camera.status' && e.subject === 'cam-api' && (e.data as { state: string }).state === 'stopped'), { timeoutMs: 30_000, what: 'cam-api stopped' });
    assert.deepEqual([...statusFrom()], [`urn:vigil:gateway:${runner}`], 'the same one gateway stopped it');
    for (const g of members) await waitFor(async () => !(await cameraList(g)).some((c) => c.id === 'cam-api'), { timeoutMs: 10_000, what: `${g.instanceId} no longer listing cam-api` });
  });

  it('recognises on one gateway a person enrolled through another', async () => {
    const runner = decoding(members).get(FACE_CAM)?.[0];
    const enrolOn = members.find((g) => g.instanceId !== runner)!;
    const image = readFileSync(join(FACES, 'lin_manuel_miranda', 'lin1.png')).toString('base64');
    const enrolled = await api(enrolOn, '/v1/identities', { method: 'POST', body: JSON.stringify({ name: 'Lin-Manuel Miranda', images: [image] }) });
    assert.equal(enrolled.status, 201, await enrolled.clone().text());
    const id = ((await enrolled.json()) as { id: string }).id;
    for (const g of members) await waitFor(async () => (await api(g, `/v1/identities/${id}`)).status === 200, { timeoutMs: 10_000, what: `the identity on ${g.instanceId}` });
    const recognized = await waitFor(
      () => watcher.events.find((e) => e.type === 'vigil.face.recognized' && e.subject === FACE_CAM && (e.data as { identity?: { id: string } }).identity?.id === id),
      { timeoutMs: 90_000, intervalMs: 250, what: `${FACE_CAM} (on ${runner}) recognising the person enrolled on ${enrolOn.instanceId}` },
    );
    assert.equal(recognized.source, `urn:vigil:gateway:${runner}`);
    const snapshot = (recognized.data as { snapshots?: { face: string } | null }).snapshots?.face;
    assert.ok(snapshot, 'the recognised face has a snapshot');
    const fetched = await api(enrolOn, snapshot);
    assert.equal(fetched.status, 200, 'a snapshot taken on one gateway is served by another');
    assert.equal(fetched.headers.get('content-type'), 'image/jpeg');
  });

  it('moves a killed gateway\'s cameras to the others: each camera still on exactly one', async () => {
    const before = decoding(members);
    const victim = members.find((g) => g.instanceId === before.get(IDS[0]!)?.[0])!;
    const lost = [...before].filter(([, g]) => g[0] === victim.instanceId).map(([c]) => c);
    assert.ok(lost.length > 0);
    killHard(victim);
    await exited(victim.process, 5000);
    const survivors = members.filter((g) => g !== victim);
    const truth = await waitFor(() => settled(survivors, [...IDS, FACE_CAM]), { timeoutMs: 60_000, intervalMs: 250, what: `${lost.join(', ')} streaming again on the other gateways` });
    for (const camera of lost) assert.notEqual(truth.get(camera)?.[0], victim.instanceId);
    members = survivors;
  });

  it('hands cameras to a joining gateway without any camera decoded by two gateways at once', async () => {
    const joining = startMember(group, 'gw-d', kafka.bootstrap, config);
    const twice: string[] = [];
    let sampling = true;
    // Samples every gateway's decoders while the group rebalances: a revoked camera must stop before its new owner starts it.
    const sampler = (async () => {
      while (sampling) {
        // Every decoder on the machine reading one of this test's cameras, by parent: the joining
        // gateway is seen before it even answers HTTP.
        for (const [camera, parents] of decodersUnder(dir)) if (parents.size > 1) twice.push(camera);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const joined = await joining;
    members = [...members, joined];
    try {
      await waitFor(async () => decodersOf(joined).length > 0 && (await settled(members, [...IDS, FACE_CAM])), { timeoutMs: 90_000, intervalMs: 250, what: 'gw-d running its share' });
    } finally {
      sampling = false;
      await sampler;
    }
    assert.deepEqual([...new Set(twice)], [], 'no camera was decoded by two gateways at the same time');
  });

  it('keeps cameras, identities and tokens across a restart of every gateway', async () => {
    const created = await api(members[0]!, '/v1/tokens', { method: 'POST', body: JSON.stringify({ role: 'viewer', name: 'wall screen' }) });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    await api(members[0]!, '/v1/cameras', { method: 'POST', body: JSON.stringify({ id: 'cam-kept', url: 'rtsp://127.0.0.1:9/kept', fps: 1 }) });
    for (const g of members) await waitFor(async () => (await api(g, '/v1/me', {}, token)).status === 200, { timeoutMs: 10_000, what: `the new token accepted by ${g.instanceId}` });
    for (const g of members) signalGroup(g.process, 'SIGTERM');
    await Promise.all(members.map((g) => exited(g.process, 20_000)));
    members = await Promise.all(members.map((g) => start(g.instanceId)));
    for (const g of members) {
      assert.equal((await api(g, '/v1/me', {}, token)).status, 200, `the stored token works on ${g.instanceId} after the restart`);
      const names = ((await (await api(g, '/v1/identities')).json()) as { name: string }[]).map((i) => i.name);
      assert.deepEqual(names, ['Lin-Manuel Miranda'], `${g.instanceId} holds the gallery`);
      assert.ok((await cameraList(g)).some((c) => c.id === 'cam-kept'), `${g.instanceId} lists the API camera`);
    }
    await waitFor(() => settled(members, [...IDS, FACE_CAM]), { timeoutMs: 90_000, intervalMs: 500, what: 'every camera on exactly one gateway after the restart' });
  });
});
