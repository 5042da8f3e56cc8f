import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, alive, decoderPids, exited, signalGroup } from '../helpers/processes';
import { startRtspCamera, type RtspCamera } from '../helpers/rtsp-camera';
import { startKafkaMock, readTopic, type KafkaMock } from '../helpers/kafka-mock';
import { startGateway, type Gateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait';

interface FaceEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: string;
  data: { camera: string; frameSeq: number; frame: { width: number; height: number }; faces: { box: { x: number; y: number; width: number; height: number }; score: number }[] };
}

const TOPIC = 'vigil.e2e';

/**
 * The walking skeleton end to end, every part real: ffmpeg publishes the Hamilton clip to an RTSP
 * server; the gateway (a real `vigil serve` process) ingests it, detects faces with the ONNX model
 * and publishes events to a WebSocket client and to librdkafka's mock Kafka cluster, read back by
 * an independent consumer.
 */
describe('RTSP camera to WebSocket and Kafka events', () => {
  const group = new ProcessGroup();
  let camera: RtspCamera;
  let kafka: KafkaMock;
  let gateway: Gateway;

  before(async () => {
    camera = await startRtspCamera(group, CLIP);
    kafka = await startKafkaMock(group, TOPIC);
    gateway = await startGateway(
      group,
      {
        kafka: { idempotent: false },
        cameras: [{ id: 'stage', name: 'Stage', url: camera.url, rtspTransport: 'udp', fps: 5, width: 640, height: 360, detectedEvents: true, recognition: false }],
      },
      { KAFKA_BROKERS: kafka.bootstrap, VIGIL_KAFKA_TOPIC: TOPIC },
    );
  });

  after(async () => {
    await group.killAll();
  });

  it('delivers vigil.face.detected events over WebSocket and the same ids on Kafka', async () => {
    const socket = new WebSocket(gateway.wsUrl);
    const events: FaceEvent[] = [];
    // Camera status events (vigil.camera.status) share the stream; this test is about face events.
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as FaceEvent;
      if (event.type !== 'vigil.camera.status') events.push(event);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await waitFor(() => events.length >= 5, { timeoutMs: 60_000, what: 'five face events on the WebSocket' });
    socket.close();

    for (const event of events) {
      assert.equal(event.specversion, '1.0');
      assert.equal(event.type, 'vigil.face.detected');
      assert.equal(event.subject, 'stage');
      assert.equal(event.datacontenttype, 'application/json');
      assert.match(event.source, /^urn:vigil:gateway:/);
      assert.ok(!Number.isNaN(Date.parse(event.time)), `time ${event.time} is RFC 3339`);
      assert.deepEqual(event.data.frame, { width: 640, height: 360 });
      assert.ok(event.data.faces.length >= 1, 'each event carries at least one face');
      for (const { box, score } of event.data.faces) {
        assert.ok(score >= 0.7 && score <= 1, `score ${score} above the threshold`);
        assert.ok(box.width > 0 && box.height > 0, 'box has an area');
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 640 && box.y + box.height <= 360, `box ${JSON.stringify(box)} inside the frame`);
      }
    }
    assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'event ids are unique');
    const seqs = events.map((e) => e.data.frameSeq);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'frame sequence numbers increase');

    const wanted = new Set(events.map((e) => e.id));
    const records = await waitFor(
      async () => {
        const all = await readTopic(kafka.bootstrap, TOPIC);
        const ids = new Set(all.map((r) => (JSON.parse(r.value) as FaceEvent).id));
        return [...wanted].every((id) => ids.has(id)) ? all : null;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the WebSocket event ids on Kafka' },
    );
    for (const record of records) {
      assert.equal(record.key, 'stage', 'Kafka key is the camera id');
      assert.ok(['vigil.face.detected', 'vigil.camera.status'].includes((JSON.parse(record.value) as FaceEvent).type));
    }
    const statuses = records.map((r) => JSON.parse(r.value) as { type: string; data: { state: string } }).filter((e) => e.type === 'vigil.camera.status');
    assert.ok(statuses.some((e) => e.data.state === 'streaming'), 'the camera status reached Kafka too');
  });

  it('reports the camera as streaming with counters, and metrics per camera', async () => {
    const cameras = (await (await fetch(`${gateway.baseUrl}/v1/cameras`)).json()) as Record<string, unknown>[];
    assert.equal(cameras.length, 1);
    const [stage] = cameras;
    assert.equal(stage?.id, 'stage');
    assert.equal(stage?.state, 'streaming');
    assert.equal(stage?.lastError, null);
    assert.ok((stage?.framesDecoded as number) > 0);
    assert.ok((stage?.framesAnalyzed as number) > 0);
    assert.equal(typeof stage?.framesDropped, 'number');

    const health = await fetch(`${gateway.baseUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

    const metrics = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    assert.match(metrics, /^vigil_frames_decoded_total\{camera="stage"\} [1-9]/m);
    assert.match(metrics, /^vigil_frames_analyzed_total\{camera="stage"\} [1-9]/m);
    assert.match(metrics, /^vigil_inference_duration_seconds_count [1-9]/m);
    assert.match(metrics, /^vigil_events_published_total\{sink="kafka",type="vigil.face.detected"\} [1-9]/m);
    assert.match(metrics, /^vigil_events_published_total\{sink="websocket",type="vigil.face.detected"\} [1-9]/m);
  });

  it('stops on SIGTERM with exit code 0 and leaves no decoder behind', async () => {
    const decoders = decoderPids(gateway.process.pid as number);
    assert.equal(decoders.length, 1, 'one decoder process per camera while running');
    signalGroup(gateway.process, 'SIGTERM');
    // Only the gateway itself gets the signal through its group; its decoder runs in a group of its own.
    const code = await exited(gateway.process, 20_000);
    assert.equal(code, 0);
    assert.deepEqual(alive(decoders), [], 'the decoder is gone');
  });
});
