import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLIP, ROOT } from '../helpers/paths';
import { startTestApp, type TestApp } from '../helpers/api-app';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { waitFor } from '../helpers/wait';

interface TracedEvent {
  id: string;
  type: string;
  time: string;
  subject: string;
  traceparent?: string;
}

const SPAN_KIND_PRODUCER = 4;

/**
 * Frame traces exported with OpenTelemetry to a real OTLP/HTTP receiver on loopback (the real App,
 * a file camera, the real models): each analysed frame is a `frame` span from its capture, with a
 * `detect` step, and each event made from it a `create` producer span whose context the event
 * carries as `traceparent`.
 */
describe('tracing: OTLP export of frame spans, traceparent in events (real App, real receiver)', () => {
  let receiver: OtlpReceiver;
  let t: TestApp;

  before(async () => {
    receiver = await startOtlpReceiver();
    t = await startTestApp(
      {
        gateway: { allowLocalFiles: true },
        api: { watchConfig: false },
        ingest: { idle: { mode: 'off' } },
        cameras: [{ id: 'clip', url: `file:${CLIP}`, fps: 5, width: 640, height: 360, recognition: false, detectedEvents: true }],
      },
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'vigil-test' } },
    );
  });
  after(async () => {
    await t?.stop();
    await receiver?.close();
  });

  it('exports each event\'s creation under its frame\'s trace, and the event carries that span as traceparent', async () => {
    const matched = await waitFor(
      async () => {
        const { events } = (await t.request({ method: 'GET', url: '/v1/events?type=vigil.face.detected&limit=1000', as: 'viewer' })).json() as { events: TracedEvent[] };
        for (const event of events) {
          const create = receiver.spans.find((s) => s.name === 'create vigil.face.detected' && s.attributes['cloudevents.event_id'] === event.id);
          const frame = create && receiver.spans.find((s) => s.name === 'frame' && s.spanId === create.parentSpanId);
          const detect = frame && receiver.spans.find((s) => s.name === 'detect' && s.parentSpanId === frame.spanId);
          if (create && frame && detect) return { event, create, frame, detect };
        }
        return null;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'a detected event whose frame, detect and create spans reached the receiver' },
    );
    const { event, create, frame, detect } = matched as { event: TracedEvent; create: ReceivedSpan; frame: ReceivedSpan; detect: ReceivedSpan };
    assert.equal(event.traceparent, `00-${create.traceId}-${create.spanId}-01`);
    assert.match(create.traceId, /^[0-9a-f]{32}$/);
    assert.equal(frame.traceId, create.traceId);
    assert.equal(detect.traceId, create.traceId);
    assert.equal(frame.parentSpanId, '', 'the frame is the root of its trace');
    assert.equal(create.kind, SPAN_KIND_PRODUCER);
    assert.deepEqual(
      { type: create.attributes['cloudevents.event_type'], subject: create.attributes['cloudevents.event_subject'], camera: frame.attributes['vigil.camera'] },
      { type: 'vigil.face.detected', subject: 'clip', camera: 'clip' },
    );
    // The frame span starts when the frame was read off the decoder: the event's time.
    assert.ok(Math.abs(frame.startMs - Date.parse(event.time)) < 1, `${frame.startMs} vs ${event.time}`);
    assert.ok(frame.startMs <= detect.startMs && detect.endMs <= frame.endMs, 'detect lies within its frame');
    assert.ok(create.startMs >= detect.endMs, 'the event is made after detection');
    assert.equal(frame.resource['service.name'], 'vigil-test');
    assert.equal(frame.resource['service.instance.id'], 'gw-test');
    assert.ok(receiver.contentTypes.every((c) => c.startsWith('application/json')), receiver.contentTypes.join(','));
    // Frames without faces are traced too (a trace id per analysed frame).
    const frames = receiver.spans.filter((s) => s.name === 'frame');
    assert.equal(new Set(frames.map((s) => s.traceId)).size, frames.length, 'one trace per frame');
  });
});

describe('tracing off', () => {
  it("loads nothing of OpenTelemetry's SDK and still gives every frame a trace id", () => {
    const script = `
      const { createTracer } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'observability'))});
      const tracer = createTracer({ settings: null, instanceId: 'gw', version: '0', logger: null });
      const a = tracer.frame('cam', 1, Date.now()), b = tracer.frame('cam', 2, Date.now());
      // prom-client itself loads @opentelemetry/api (a no-op facade without an SDK); the SDK and exporter must stay out.
      const loaded = Object.keys(require.cache).filter((k) => k.includes('@opentelemetry/') && !k.includes('@opentelemetry/api/'));
      process.stdout.write(JSON.stringify({ loaded, exporting: tracer.exporting, a: a.ids, b: b.ids, event: a.event('t', 'i', 's', 'c') }));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { loaded: string[]; exporting: boolean; a: { traceId: string; spanId: string; sampled: boolean }; b: { traceId: string }; event: unknown };
    assert.deepEqual(out.loaded, []);
    assert.equal(out.exporting, false);
    assert.match(out.a.traceId, /^[0-9a-f]{32}$/);
    assert.match(out.a.spanId, /^[0-9a-f]{16}$/);
    assert.equal(out.a.sampled, false, 'not recorded: flags 00');
    assert.notEqual(out.a.traceId, out.b.traceId);
    assert.deepEqual(out.event, out.a, "an event carries its frame's ids");
  });
});
