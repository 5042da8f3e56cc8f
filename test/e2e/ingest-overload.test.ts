import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { CLIP } from '../helpers/paths';
import { ProcessGroup, decoderPids } from '../helpers/processes';
import { startGateway, type Gateway } from '../helpers/gateway';
import { cameras } from '../helpers/camera-status';
import { waitFor } from '../helpers/wait';

const CAMERAS = 12;
const TICKS_PER_S = 100;

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

function metric(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** The frame-age histogram summed over cameras: count, sum (s), and the counts under 100 ms and 1 s. */
function frameAges(text: string): { count: number; sum: number; under100ms: number; under1s: number } {
  return {
    count: metric(text, /^vigil_frame_age_at_analysis_seconds_count\{camera="cam\d+"\} (\d+)/gm),
    sum: metric(text, /^vigil_frame_age_at_analysis_seconds_sum\{camera="cam\d+"\} ([\d.e-]+)/gm),
    under100ms: metric(text, /^vigil_frame_age_at_analysis_seconds_bucket\{le="0.1",camera="cam\d+"\} (\d+)/gm),
    under1s: metric(text, /^vigil_frame_age_at_analysis_seconds_bucket\{le="1",camera="cam\d+"\} (\d+)/gm),
  };
}

/**
 * More cameras than two cores can analyse: frames must be dropped (and counted), the frames that
 * are analysed must stay fresh, memory must stay flat, and the capacity controller must lower
 * cameras' work one at a time (the analysis lag stays over its watermark the whole time).
 */
describe('ingest: overload keeps analysis real-time and memory bounded', () => {
  const group = new ProcessGroup();
  let gateway: Gateway;

  before(async () => {
    gateway = await startGateway(group, {
      gateway: { allowLocalFiles: true },
      inference: { workers: 1 },
      // Never idle (the clip's faces come and go) and never restored: only the degrading is watched here.
      ingest: { ringFrames: 4, degradeAfterChecks: 3, restoreAfterChecks: 600, idle: { mode: 'off' } },
      cameras: Array.from({ length: CAMERAS }, (_, i) => ({ id: `cam${i}`, url: `file:${CLIP}`, fps: 30, width: 960, height: 540 })),
    });
  });

  after(async () => {
    await group.killAll();
  });

  it('drops stale frames with reasons, keeps frame age bounded, RSS flat, and degrades decode work', async (t) => {
    const pid = gateway.process.pid as number;
    await waitFor(async () => [...(await cameras(gateway.baseUrl)).values()].every((c) => c.state === 'streaming'), { timeoutMs: 60_000, what: 'all cameras streaming' });
    await waitFor(async () => [...(await cameras(gateway.baseUrl)).values()].reduce((n, c) => n + c.framesAnalyzed, 0) > 100, { timeoutMs: 60_000, what: 'warm-up' });
    const analysedAtStart = new Map([...(await cameras(gateway.baseUrl)).values()].map((c) => [c.id, c.framesAnalyzed]));
    // Frame age is judged over the overload window, as the analysed counts are: the histogram from
    // the gateway's start also holds the start-up (twelve decoders starting at once), shown apart.
    const ageAtStart = frameAges(await (await fetch(`${gateway.baseUrl}/metrics`)).text());
    const rssStart = rssBytes(pid);
    const decoders = decoderPids(pid);
    const cpuStart = decoders.map(cpuSeconds);
    const started = Date.now();
    const rss: number[] = [];
    await waitFor(
      async () => {
        rss.push(rssBytes(pid));
        return Date.now() - started > 15_000;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: "15 s of overload" },
    );
    const seconds = (Date.now() - started) / 1000;
    const cpuPerDecoder = decoders.map((p, i) => (cpuSeconds(p) - (cpuStart[i] ?? 0)) / seconds);
    const text = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
    const list = [...(await cameras(gateway.baseUrl)).values()];

    const dropsStale = metric(text, /^vigil_frames_dropped_total\{camera="cam\d+",reason="stale"\} (\d+)/gm);
    const dropsFull = metric(text, /^vigil_frames_dropped_total\{camera="cam\d+",reason="ring_full"\} (\d+)/gm);
    const ageAtEnd = frameAges(text);
    const ageCount = ageAtEnd.count - ageAtStart.count;
    const ageUnder1s = ageAtEnd.under1s - ageAtStart.under1s;
    const ageUnder100ms = ageAtEnd.under100ms - ageAtStart.under100ms;
    const ageSum = ageAtEnd.sum - ageAtStart.sum;
    const modes = list.map((c) => c.mode);
    const loopLag = metric(text, /^nodejs_eventloop_lag_p99_seconds ([\d.e-]+)/gm);
    const inference = metric(text, /^vigil_inference_duration_seconds_sum(?:\{[^}]*\})? ([\d.e-]+)/gm) / Math.max(1, metric(text, /^vigil_inference_duration_seconds_count(?:\{[^}]*\})? (\d+)/gm));
    t.diagnostic(`gateway event-loop lag p99 ${(loopLag * 1000).toFixed(0)} ms; mean inference ${(inference * 1000).toFixed(1)} ms; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
    t.diagnostic(`decode CPU per camera (cores): ${cpuPerDecoder.map((c) => c.toFixed(3)).join(' ')}`);
    t.diagnostic(`drops: stale ${dropsStale}, ring_full ${dropsFull}; analysed ${list.reduce((n, c) => n + c.framesAnalyzed, 0)}, decoded ${list.reduce((n, c) => n + c.framesDecoded, 0)}`);
    t.diagnostic(`frame age at analysis over the window: mean ${((ageSum / Math.max(1, ageCount)) * 1000).toFixed(1)} ms, <=100 ms ${((ageUnder100ms / ageCount) * 100).toFixed(1)}%, <=1 s ${((ageUnder1s / ageCount) * 100).toFixed(1)}% of ${ageCount}`);
    t.diagnostic(`... and before it (start-up and warm-up): <=1 s ${((ageAtStart.under1s / Math.max(1, ageAtStart.count)) * 100).toFixed(1)}% of ${ageAtStart.count}`);
    t.diagnostic(`modes: ${modes.join(' ')}; RSS start ${(rssStart / 2 ** 20).toFixed(0)} MiB, max ${(Math.max(...rss) / 2 ** 20).toFixed(0)} MiB, end ${((rss.at(-1) ?? 0) / 2 ** 20).toFixed(0)} MiB`);

    assert.ok(dropsStale + dropsFull > 0, 'frames the analyser could not take are dropped and counted');
    assert.ok(ageCount > 0);
    // Fresh frames: the analyser always takes the newest, so nearly every frame is under a second old.
    assert.ok(ageUnder1s / ageCount >= 0.95, `${ageUnder1s}/${ageCount} analysed frames under 1 s old`);
    assert.ok(Math.max(...rss) < rssStart * 1.5 + 64 * 2 ** 20, 'memory does not grow with the backlog');
    const degraded = list.filter((c) => c.mode !== 'full');
    assert.ok(degraded.length >= 1, `the controller lowered some cameras' work (${modes.join(',')})`);
    // Never all of them at once: one camera one rung per check (once a second), each step seen
    // before the next. How many end up lowered depends on how far the machine is behind (a slow
    // or shared one lowers all twelve in turn, and that is right), so the spacing is what is checked.
    const changes = gateway.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('overload:')).map((l) => ({ at: Date.parse(String(l.time)), camera: String(l.camera) }));
    t.diagnostic(`work changes: ${changes.length}, ${changes.map((c) => c.camera).join(' ')}`);
    assert.ok(changes.length >= degraded.length);
    for (let i = 1; i < changes.length; i++) {
      const gap = (changes[i] as { at: number }).at - (changes[i - 1] as { at: number }).at;
      assert.ok(gap >= 500, `one change per check: ${gap} ms between changes ${i - 1} and ${i}`);
    }
    // Lowered cameras are still analysed, only less often: no camera is starved.
    for (const camera of list) assert.ok(camera.framesAnalyzed > (analysedAtStart.get(camera.id) ?? 0), `${camera.id} (${camera.mode}) analysed during the overload`);
    // The metric says the same as the API: 1 for the mode the camera is in, 0 for the others.
    const one = degraded[0] as (typeof degraded)[number];
    assert.match(text, new RegExp(`^vigil_camera_decode_mode\\{camera="${one.id}",mode="${one.mode}"\\} 1$`, 'm'));
    assert.match(text, new RegExp(`^vigil_camera_decode_mode\\{camera="${one.id}",mode="full"\\} 0$`, 'm'));
    assert.match(text, new RegExp(`^vigil_camera_work_changes_total\\{camera="${one.id}",to="${one.mode}"\\} [1-9]`, 'm'));
  });
});
