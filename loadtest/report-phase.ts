import type { PhaseFigures } from './gateway-phase';
import type { Fairness } from './camera-figures';
import { CAMERA_HEADER, age, cameraRow, drops, f1, f2, table, usage } from './report-format';
import { EVENT_LOOP_SAMPLE_MS } from '../src/observability';

function recognitionLines(p: PhaseFigures): string[] {
  const r = p.recognition;
  const head = `  recognition            ${r.enabled ? 'on' : 'off'}: detections ${f2(r.detectionsPerSecond)}/s, embeddings ${f2(r.embeddingsPerSecond)}/s, tracks started ${r.tracksStarted}, answers ${Object.entries(r.answers).map(([k, n]) => `${k} ${n}`).join(', ')}`;
  if (!r.enabled) return [head];
  const l = r.latency;
  const latency = l.recognized === 0
    ? '  recognition latency    no track was recognised in the window'
    : `  recognition latency    mean ${f1(l.meanMs)} ms, p50 ${l.p50AboveTopBucket ? '>' : ''}${f1(l.p50Ms)} ms (bucket-interpolated) over ${l.recognized} recognised track(s); first frame of the track to its recognized event`;
  return [head, latency];
}

/** One gateway phase: totals, per-camera table, recognition, CPU and memory. */
export function formatPhase(p: PhaseFigures, demandFps: number): string[] {
  const t = p.cameras.total;
  const l = p.latency;
  return [
    `  analysed fps           ${f2(t.analysedFps)} of ${demandFps} configured   (decoded ${f2(t.decodedFps)})`,
    `  dropped in window      ${drops(t.dropped)}`,
    `  frame age at analysis  p50 ${f1(t.frameAge.p50Ms)} ms   p99 ${t.frameAge.p99AboveTopBucket ? '>' : ''}${f1(t.frameAge.p99Ms)} ms   (bucket-interpolated from vigil_frame_age_at_analysis_seconds, ${t.frameAge.frames} frames)`,
    `  analysis lag           p50 ${f1(t.lag.p50Ms)} ms   p99 ${t.lag.p99AboveTopBucket ? '>' : ''}${f1(t.lag.p99Ms)} ms   (frame off the decoder -> analysis done, vigil_analysis_lag_seconds)`,
    t.wake.frames === 0
      ? '  wake-up                no camera woke on motion in the window'
      : `  wake-up                ${t.wake.frames} wake(s) on motion: p50 ${f1(t.wake.p50Ms)} ms, p99 ${t.wake.p99AboveTopBucket ? '>' : ''}${f1(t.wake.p99Ms)} ms (packet that woke the camera -> first frame after it analysed)`,
    p.eventLoopLagP99Ms === null || p.eventLoopDelayP99Ms === null
      ? '  event-loop lag p99     n/a'
      : `  event-loop lag p99     ${f1(p.eventLoopDelayP99Ms)} ms late   (gateway, over the window: nodejs_eventloop_lag_p99_seconds ${f1(p.eventLoopLagP99Ms)} ms less its ${EVENT_LOOP_SAMPLE_MS} ms timer)`,
    l.events === 0
      ? '  frame-to-event latency no vigil.face.detected event in the window (per-frame events are off unless --detected-events on)'
      : `  frame-to-event latency p50 ${f1(l.p50Ms)} ms   p99 ${f1(l.p99Ms)} ms   max ${f1(l.maxMs)} ms   (${l.events} vigil.face.detected events; only frames with a face make one)`,
    ...Object.entries(p.frameToEvent).map(([type, f]) => `  decoded -> published    ${type}: p50 ${f1(f.p50Ms)} ms   p99 ${f.p99AboveTopBucket ? '>' : ''}${f1(f.p99Ms)} ms   mean ${f1(f.meanMs)} ms   (bucket-interpolated from vigil_frame_to_event_seconds, ${f.events} events)`),
    ...recognitionLines(p),
    usage('gateway (node)', p.gateway),
    usage('decoders (all)', p.decoders),
    usage('total', p.total),
    `  bench client CPU       ${f1(p.benchClientCpuPercent)} %   (WebSocket client + scrapes, not in the totals)`,
    '',
    "  Per camera (ages bucket-interpolated; decode CPU = that camera's decoder process, vigil_camera_decode_cpu_seconds_total):",
    ...table([CAMERA_HEADER, ...Object.entries(p.cameras.perCamera).map(([id, c]) => cameraRow(id, c)), cameraRow('total', t)], '    '),
    fairnessLine(p.cameras.fairness),
    '  Work per camera once a second (F full, H half-fps, K key frames only; lower case: idle; -: not streaming):',
    ...Object.entries(p.cameras.perCamera).map(([id, c]) => `    ${id.padEnd(10)} ${c.timeline}`),
  ];
}

/** `--adaptive-compare`: the same input with `degradeTo: off` and with the default, side by side. */
export function formatCompare(off: PhaseFigures, adaptive: PhaseFigures): string[] {
  const row = (label: string, get: (p: PhaseFigures) => string): string[] => [label, get(off), get(adaptive)];
  return [
    'Effect of the adaptive decode mode under overload (same cameras and clip, one run each)',
    ...table([
      ['', 'degradeTo: off', 'default (keyframes)'],
      row('analysed fps', (p) => f2(p.cameras.total.analysedFps)),
      row('decoded fps', (p) => f2(p.cameras.total.decodedFps)),
      row('dropped ring_full', (p) => String(p.cameras.total.dropped.ring_full ?? 0)),
      row('dropped stale', (p) => String(p.cameras.total.dropped.stale ?? 0)),
      row('dropped inference_error', (p) => String(p.cameras.total.dropped.inference_error ?? 0)),
      row('dropped stopped', (p) => String(p.cameras.total.dropped.stopped ?? 0)),
      row('frame age p50 / p99 ms', (p) => age(p.cameras.total.frameAge)),
      row('decode CPU % (all decoders)', (p) => f1(p.cameras.total.decodeCpuPercent)),
      row('total CPU % (gateway + decoders)', (p) => f1(p.total.cpuPercent)),
      row('decode modes at end', (p) => p.cameras.total.decodeMode),
      row('other processes CPU %', (p) => f1(p.otherCpuPercent)),
    ]),
  ];
}

/** How evenly the window's analysis was shared out among the cameras. */
function fairnessLine(f: Fairness): string {
  return `  Shares: analysed fps per camera mean ${f2(f.meanFps)}, min ${f2(f.minFps)}, max ${f2(f.maxFps)}; ${f.within20} of ${f.cameras} camera(s) within 20 % of the mean`;
}
