import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ADMIN, api, cameraList, decodersOf, fileCameras, killHard, startMember, type ClusterGateway } from '../test/helpers/cluster';
import { readTopic, startKafkaMock } from '../test/helpers/kafka-mock';
import { FACES } from '../test/helpers/paths';
import { ProcessGroup, exited, signalGroup } from '../test/helpers/processes';
import { waitFor } from '../test/helpers/wait';

/**
 * Cluster figures (`npm run bench:cluster`): three gateways on librdkafka's mock cluster (three
 * brokers), nine small file cameras and one with recognition. Five times: SIGKILL the gateway
 * running the most cameras and time until its cameras stream on the others (failover), then start
 * it again on its data folder and time until it runs cameras again with every camera on exactly
 * one gateway (join). Then: events lost or duplicated on the events topic across all that, and the
 * time from enrolment on one gateway to the identity on another and to its first recognition
 * there. The bare limit next to failover: a plain librdkafka group (two kcat members, same session
 * timeout) losing a member to SIGKILL, timed on the same mock cluster.
 */
const KILLS = Number(process.argv[2] ?? 5);
const SESSION_MS = 6000;
const IDS = Array.from({ length: 9 }, (_, i) => `cam-${i + 1}`);
const FACE_CAM = 'stage';
/** Pause after a join before the next kill, so each kill hits a group at rest. */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 5000);

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Each camera on exactly one of `gateways`, streaming there by its own API. */
async function settled(gateways: readonly ClusterGateway[], cameras: readonly string[]): Promise<boolean> {
  const owners = new Map<string, string[]>();
  for (const g of gateways) for (const c of decodersOf(g)) owners.set(c, [...(owners.get(c) ?? []), g.instanceId]);
  if (!cameras.every((c) => owners.get(c)?.length === 1)) return false;
  for (const g of gateways) {
    const mine = new Set(cameras.filter((c) => owners.get(c)?.[0] === g.instanceId));
    const streaming = (await cameraList(g)).filter((v) => mine.has(v.id) && v.state === 'streaming' && v.gateway === g.instanceId);
    if (streaming.length !== mine.size) return false;
  }
  return true;
}

/** A plain consumer group on the same brokers: SIGKILL one of two kcat members, time until the other holds every partition. */
async function bareGroupFailover(group: ProcessGroup, bootstrap: string, topic: string): Promise<number> {
  const groupId = `bare-${Date.now()}`;
  // The topic must exist (a consumer does not create it): one record makes the mock create it.
  spawnSync('kcat', ['-b', bootstrap, '-P', '-t', topic], { input: 'x\n', timeout: 30_000 });
  const member = () => group.spawn('kcat', ['-b', bootstrap, '-G', groupId, '-X', `session.timeout.ms=${SESSION_MS}`, '-X', 'heartbeat.interval.ms=500', '-X', 'partition.assignment.strategy=cooperative-sticky', topic], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const a = member();
  a.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  // kcat prints "assigned: ..." (eager) or "incremental assignment of N partition(s)" (cooperative).
  const assignments = () => (log.match(/assignment of [1-9]\d* partition|assigned: \S/g) ?? []).length;
  await waitFor(() => assignments() > 0, { timeoutMs: 30_000, what: 'the first bare member assigned' });
  const b = member();
  await waitFor(() => /revoke/.test(log), { timeoutMs: 30_000, what: 'the bare group rebalanced for the second member' });
  await new Promise((r) => setTimeout(r, 5000));
  const before = assignments();
  const t0 = Date.now();
  signalGroup(b, 'SIGKILL');
  await waitFor(() => assignments() > before, { timeoutMs: 60_000, intervalMs: 20, what: 'the bare group giving the survivor the partitions' });
  const ms = Date.now() - t0;
  signalGroup(a, 'SIGKILL');
  return ms;
}

async function main(): Promise<void> {
  const group = new ProcessGroup();
  const cleanup = () => void group.killAll();
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cluster-bench-'));
    const kafka = await startKafkaMock(group, 'vigil.events', 3);
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) {
      bare.push(await bareGroupFailover(group, kafka.bootstrap, 'bare.group.topic'));
      process.stdout.write(`bare group failover ${i + 1}: ${seconds(bare.at(-1)!)}\n`);
    }

    const config = {
      gateway: { allowLocalFiles: true, restartDelayMs: 200, restartDelayMaxMs: 1000 },
      cluster: { sessionTimeoutMs: SESSION_MS, heartbeatIntervalMs: 500, viewIntervalMs: 500 },
      recognition: { galleryPollMs: 200 },
      cameras: [...fileCameras(dir, IDS), { ...fileCameras(dir, [FACE_CAM])[0], fps: 3, width: 640, height: 360, recognition: true }],
    };
    const cameras = [...IDS, FACE_CAM];
    const dataDirs = new Map<string, string>();
    const start = async (name: string) => {
      const env: Record<string, string> = {};
      if (dataDirs.has(name)) env.VIGIL_DATA_DIR = dataDirs.get(name) as string;
      const g = await startMember(group, name, kafka.bootstrap, config, env);
      dataDirs.set(name, g.dataDir);
      return g;
    };
    let members = await Promise.all(['gw-a', 'gw-b', 'gw-c'].map(start));
    await waitFor(() => settled(members, cameras), { timeoutMs: 120_000, intervalMs: 500, what: 'the cluster settled' });
    process.stdout.write(`cluster up: 3 gateways, ${cameras.length} cameras, session timeout ${SESSION_MS} ms\n`);

    const failovers: number[] = [];
    const joins: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const counts = members.map((g) => ({ g, n: decodersOf(g).length })).sort((a, b) => b.n - a.n);
      const victim = counts[0]!.g;
      const moved = counts[0]!.n;
      const survivors = members.filter((g) => g !== victim);
      const t0 = Date.now();
      killHard(victim);
      await exited(victim.process, 5000);
      await waitFor(() => settled(survivors, cameras), { timeoutMs: 120_000, intervalMs: 100, what: 'failover' });
      failovers.push(Date.now() - t0);
      const t1 = Date.now();
      const back = await start(victim.instanceId);
      members = [...survivors, back];
      await waitFor(async () => decodersOf(back).length > 0 && (await settled(members, cameras)), { timeoutMs: 120_000, intervalMs: 100, what: 'join' });
      joins.push(Date.now() - t1);
      process.stdout.write(`kill ${k + 1}: ${victim.instanceId} (${moved} cameras) failover ${seconds(failovers.at(-1)!)}; rejoined and running cameras after ${seconds(joins.at(-1)!)} from process start\n`);
      // The next kill hits a settled group (a kill in the middle of a rebalance is slower: see README).
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    }

    // Enrolment on one gateway, recognition on the one running the recognition camera.
    const runner = members.find((g) => decodersOf(g).includes(FACE_CAM))!;
    const enrolOn = members.find((g) => g !== runner)!;
    const socket = new WebSocket(`${enrolOn.wsUrl}?token=${ADMIN}&type=vigil.face.recognized`);
    const recognized: { at: number; identity?: string; source: string }[] = [];
    socket.on('message', (d) => {
      const e = JSON.parse(String(d)) as { source: string; data?: { identity?: { id: string } } };
      recognized.push({ at: Date.now(), source: e.source, ...(e.data?.identity && { identity: e.data.identity.id }) });
    });
    await new Promise((r) => socket.once('open', r));
    const propagation: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const response = await api(enrolOn, '/v1/identities', { method: 'POST', body: JSON.stringify({ name: `probe-${i}`, images: [readFileSync(join(FACES, 'obama', 'obama1.jpg')).toString('base64')] }) });
      const { id } = (await response.json()) as { id: string };
      await waitFor(async () => (await api(runner, `/v1/identities/${id}`)).status === 200, { timeoutMs: 30_000, intervalMs: 10, what: 'the identity on the other gateway' });
      propagation.push(Date.now() - t0);
      await api(enrolOn, `/v1/identities/${id}`, { method: 'DELETE' });
    }
    process.stdout.write(`enrolment on ${enrolOn.instanceId} -> served by ${runner.instanceId}: ${propagation.join(', ')} ms\n`);
    const t0 = Date.now();
    const response = await api(enrolOn, '/v1/identities', { method: 'POST', body: JSON.stringify({ name: 'Lin-Manuel Miranda', images: [readFileSync(join(FACES, 'lin_manuel_miranda', 'lin1.png')).toString('base64')] }) });
    const { id } = (await response.json()) as { id: string };
    const first = await waitFor(() => recognized.find((r) => r.identity === id), { timeoutMs: 120_000, intervalMs: 20, what: 'the first recognition' });
    const recognition = first.at - t0;
    socket.close();
    process.stdout.write(`enrolment -> first recognition on ${runner.instanceId}: ${recognition} ms\n`);

    // Every event on the topic: per gateway run, sequences 1..max without holes; ids once.
    for (const g of members) signalGroup(g.process, 'SIGTERM');
    await Promise.all(members.map((g) => exited(g.process, 20_000)));
    // A killed gateway's undelivered events were replayed from its journal when it came back.
    const records = await readTopic(kafka.bootstrap, 'vigil.events');
    const runs = new Map<string, Set<number>>();
    const ids = new Map<string, number>();
    for (const r of records) {
      const e = JSON.parse(r.value) as { id: string; source: string; vigilrun: string; sequence: number };
      runs.set(e.vigilrun, (runs.get(e.vigilrun) ?? new Set()).add(e.sequence));
      ids.set(`${e.source} ${e.id}`, (ids.get(`${e.source} ${e.id}`) ?? 0) + 1);
    }
    let lost = 0;
    for (const seqs of runs.values()) lost += Math.max(...seqs) - seqs.size;
    const duplicated = [...ids.values()].reduce((n, c) => n + (c - 1), 0);
    process.stdout.write(`events: ${records.length} on the topic, ${runs.size} runs, lost ${lost}, duplicated ${duplicated}\n`);

    const lines = [
      '',
      `Cluster figures (${KILLS} SIGKILLs, 3 gateways, ${cameras.length} cameras, mock cluster of 3 brokers, session timeout ${SESSION_MS} ms):`,
      `  failover after SIGKILL (kill -> every moved camera streaming elsewhere): median ${seconds(median(failovers))}, max ${seconds(Math.max(...failovers))}  [${failovers.map(seconds).join(', ')}]`,
      `  bare limit, plain librdkafka group (2 kcat members) losing one to SIGKILL: median ${seconds(median(bare))}, max ${seconds(Math.max(...bare))}  [${bare.map(seconds).join(', ')}]`,
      `  gateway joining (process start -> running its share, every camera on one gateway): median ${seconds(median(joins))}, max ${seconds(Math.max(...joins))}`,
      `  events on the topic: ${records.length} from ${runs.size} gateway runs; lost (holes in a run's sequence) ${lost}; duplicated (same source+id twice) ${duplicated}`,
      `  enrolment on ${enrolOn.instanceId} -> identity served by ${runner.instanceId}: median ${median(propagation)} ms, max ${Math.max(...propagation)} ms (5 enrolments)`,
      `  enrolment on ${enrolOn.instanceId} -> first recognized event from ${runner.instanceId}'s camera: ${seconds(recognition)} (includes waiting for the face in the looping clip)`,
      `BENCH_JSON ${JSON.stringify({ failoverMs: failovers, bareGroupFailoverMs: bare, joinMs: joins, events: records.length, lost, duplicated, propagationMs: propagation, enrolToRecognitionMs: recognition })}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await group.killAll();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster bench failed: ${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
