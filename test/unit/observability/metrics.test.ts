import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Metrics } from '../../../src/observability';
import { PROJECT_ROOT } from '../../../src/config';

interface Family {
  readonly name: string;
  readonly type: string;
}

async function families(metrics: Metrics): Promise<Family[]> {
  return (await metrics.registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
}

/** Every series name a scrape can show: histograms as _bucket, _sum and _count. */
async function seriesNames(metrics: Metrics): Promise<Set<string>> {
  const names = new Set<string>();
  for (const f of await families(metrics)) {
    if (f.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(f.name + suffix);
    else names.add(f.name);
  }
  return names;
}

/** Histograms of counts, not durations: unit-less by Prometheus's naming rules. */
const COUNT_HISTOGRAMS = ['vigil_inference_batch_size'];

describe('metric names', () => {
  it("Node.js's process and runtime metrics keep their stock names, so stock dashboards work", async () => {
    const names = (await families(new Metrics())).map((f) => f.name);
    for (const stock of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds']) {
      assert.ok(names.includes(stock), stock);
    }
    assert.deepEqual(names.filter((n) => /^vigil_(process|nodejs)_/.test(n)), [], 'no prefixed copies');
  });

  it("Vigil's own: vigil_ prefix, counters end in _total, histograms in their unit (_seconds), or are counts declared as such", async () => {
    const own = (await families(new Metrics())).filter((f) => !/^(process|nodejs)_/.test(f.name));
    assert.ok(own.length > 40);
    for (const f of own) {
      assert.match(f.name, /^vigil_[a-z0-9_]+$/, f.name);
      if (f.type === 'counter') assert.match(f.name, /_total$/, `${f.name} is a counter`);
      else assert.doesNotMatch(f.name, /_total$/, `${f.name} is a ${f.type}, not a counter`);
      // A histogram of a count (how many items a batch held) has no unit; every other one is a duration.
      if (f.type === 'histogram' && !COUNT_HISTOGRAMS.includes(f.name)) assert.match(f.name, /_seconds$/, `${f.name} is a duration histogram`);
    }
  });

  it('vigil_build_info says which Vigil, Node.js and FFmpeg run, always 1', async () => {
    const metrics = new Metrics();
    metrics.setBuildInfo({ version: '0.1.0', node: 'v22.2.0', decoder: 'native', ffmpeg: '8.1' });
    metrics.setBuildInfo({ version: '0.1.0', node: 'v22.2.0', decoder: 'native', ffmpeg: '8.1' });
    const text = (await metrics.render()).body;
    assert.deepEqual(text.split('\n').filter((l) => l.startsWith('vigil_build_info')), ['vigil_build_info{version="0.1.0",node="v22.2.0",decoder="native",ffmpeg="8.1"} 1']);
  });

  it("a camera has one vigil_camera_hwaccel series: a change (or a restarted camera) replaces it, removal forgets it", async () => {
    const metrics = new Metrics();
    const lines = async () => (await metrics.render()).body.split('\n').filter((l) => l.startsWith('vigil_camera_hwaccel{')).sort();
    metrics.setCameraHwaccel('gate', 'cuda', 'none');
    metrics.setCameraHwaccel('door', 'none', 'none');
    metrics.setCameraHwaccel('gate', 'none', 'none');
    assert.deepEqual(await lines(), ['vigil_camera_hwaccel{camera="door",requested="none",active="none"} 1', 'vigil_camera_hwaccel{camera="gate",requested="none",active="none"} 1']);
    await metrics.forgetCamera('gate');
    assert.deepEqual(await lines(), ['vigil_camera_hwaccel{camera="door",requested="none",active="none"} 1']);
  });

  it('frame-to-event latency is recorded per event type', async () => {
    const metrics = new Metrics();
    metrics.frameToEventSeconds.observe({ type: 'vigil.face.recognized' }, 0.05);
    const text = (await metrics.render()).body;
    assert.match(text, /vigil_frame_to_event_seconds_count\{type="vigil.face.recognized"\} 1/);
  });
});

describe('deploy/: the Grafana dashboard and the Prometheus alert rules use only metrics the gateway exports', () => {
  const METRIC = /\b((?:vigil|process|nodejs)_[a-z0-9_]+)\b/g;
  /** Prometheus adds `up` for every target it scrapes; it is not the gateway's. */
  const PROMETHEUS_OWN = new Set(['up']);

  function used(expressions: string[]): Set<string> {
    const out = new Set<string>();
    for (const expr of expressions) for (const match of expr.matchAll(METRIC)) out.add(match[1] as string);
    return out;
  }

  it('alert rules', async () => {
    const rules = parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'prometheus', 'vigil-alerts.yml'), 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    const alerts = all.map((r) => r.alert);
    for (const wanted of ['VigilCameraDown', 'VigilCameraStalls', 'VigilFramesDropped', 'VigilKafkaJournalFilling', 'VigilEventLoopLag']) assert.ok(alerts.includes(wanted), wanted);
    assert.equal(new Set(alerts).size, alerts.length, 'alert names are unique');
    for (const rule of all) {
      assert.ok(['critical', 'warning', 'info'].includes(rule.labels.severity), rule.alert);
      assert.ok(rule.annotations.summary, rule.alert);
    }
    const exported = await seriesNames(new Metrics());
    const names = used(all.map((r) => r.expr));
    for (const name of [...names].filter((n) => !PROMETHEUS_OWN.has(n))) assert.ok(exported.has(name), `${name} (alert rules) is not exported`);
    assert.ok(names.size >= 10);
  });

  it('Grafana dashboard', async () => {
    const dashboard = JSON.parse(readFileSync(join(PROJECT_ROOT, 'deploy', 'grafana', 'vigil-dashboard.json'), 'utf8')) as { uid: string; templating: { list: { definition?: string }[] }; panels: { title: string; targets?: { expr: string }[] }[] };
    const expressions = [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.definition ?? '')];
    const exported = await seriesNames(new Metrics());
    const names = used(expressions);
    for (const name of names) assert.ok(exported.has(name), `${name} (dashboard) is not exported`);
    assert.ok(names.size >= 25, `${names.size} metrics shown`);
    for (const panel of dashboard.panels) if (panel.targets) assert.ok(panel.targets.length > 0 && panel.targets.every((t) => t.expr.trim()), panel.title);
  });
});
